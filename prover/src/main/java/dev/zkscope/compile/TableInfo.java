package dev.zkscope.compile;

/**
 * One logical lookup table inside the shared tagged table.
 *
 * @param name      unique name, e.g. "range8" or "sigmoid(s7->s7)"
 * @param function  what it computes: "range" for range checks, else the function (with its scales)
 * @param inputMin  smallest input in the table
 * @param inputMax  largest input in the table
 * @param size      rows it occupies (inputMax - inputMin + 1)
 * @param tag       its tag in the (tag, x, y) table
 */
public record TableInfo(String name, String function, long inputMin, long inputMax, int size, int tag) {
}
