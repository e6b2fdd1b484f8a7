/* placeholder */ typedef int onr_placeholder_session;
