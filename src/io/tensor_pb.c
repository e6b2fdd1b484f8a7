/* placeholder */ typedef int onr_placeholder_tensor_pb;
