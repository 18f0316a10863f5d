/** Named phases with wall time, and heap sampling, for the CLI, the GUI and the profiler. */
package dev.zkscope.profile;
