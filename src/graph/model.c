/* placeholder */ typedef int onr_placeholder_model;
