#pragma once

// Ctrl-C and kill for a long run: the first SIGINT or SIGTERM sets a flag that running child
// processes (util::run_process) and loops check, so the run stops between two complete steps;
// a second one ends the process at once.

namespace kevolve::util {

void install_interrupt_handlers();
bool interrupted();
void request_interrupt();  // what the handler does; tests call it directly
void clear_interrupt();    // for tests

}  // namespace kevolve::util
