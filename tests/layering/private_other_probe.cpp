// A private header of metrics is not in compare's view.
#include "metrics/rouge.h"
int main() { return 0; }
