// engine sits above tasks: its public header is not in tasks' view.
#include "clinbench/engine.h"
int main() { return 0; }
