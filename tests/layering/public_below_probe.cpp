// compare sits above stats: its public header is in compare's view.
#include "clinbench/stats.h"
int main() { return 0; }
