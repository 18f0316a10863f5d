package dev.zkscope.circuit;

import java.util.List;

/**
 * A (tuple) lookup: on every row, the tuple {@code inputs} evaluated at that row must equal {@code table} evaluated at
 * some row. Several logical tables share one lookup by a tag column inside the tuple; rows where the lookup does not
 * apply must make the inputs evaluate to a tuple that is in the table (the compiler gates inputs by a selector and
 * keeps an all-zero table row).
 *
 * @param name   label for the ledger and violations
 * @param inputs input expressions (advice-side)
 * @param table  table expressions, same arity, over fixed columns only
 */
public record Lookup(String name, List<Expr> inputs, List<Expr> table) {
    public Lookup {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("lookup needs a name");
        }
        inputs = List.copyOf(inputs);
        table = List.copyOf(table);
        if (inputs.isEmpty() || inputs.size() != table.size()) {
            throw new IllegalArgumentException("lookup " + name + ": inputs (" + inputs.size()
                    + ") and table (" + table.size() + ") must have the same, nonzero arity");
        }
        for (Expr t : table) {
            if (!t.usesOnly(ColumnKind.FIXED)) {
                throw new IllegalArgumentException("lookup " + name + ": table expressions may use fixed columns only");
            }
        }
    }

    public int arity() {
        return inputs.size();
    }
}
