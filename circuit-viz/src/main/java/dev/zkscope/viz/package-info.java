/** Reusable JavaFX views over the prover's immutable results: charts, graph, tables, heatmaps. */
package dev.zkscope.viz;
