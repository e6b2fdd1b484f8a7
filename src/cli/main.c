#include <stdio.h>
#include "onnxrun.h"
int main(void) { printf("onnxrun %s\n", onr_version()); return 0; }
