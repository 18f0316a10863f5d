package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;

import java.util.List;

/**
 * What the verifier must know of a circuit: its shape and its constraints, without the fixed values (committed) or
 * the copy constraints (compiled into the permutation's fixed columns, also committed). {@code committedAdvice}
 * lists the advice columns committed in their own tree, whose root the proof publishes (empty for none).
 */
public record ConstraintSystem(String name, int logN, int usableRows, int numFixed, int numAdvice, int numInstance,
                               List<Gate> gates, List<Lookup> lookups, List<Column> equalityColumns,
                               List<Integer> committedAdvice) {
    public ConstraintSystem {
        committedAdvice = List.copyOf(committedAdvice);
        for (int i = 0; i < committedAdvice.size(); i++) {
            int c = committedAdvice.get(i);
            if (c < 0 || c >= numAdvice || (i > 0 && c <= committedAdvice.get(i - 1))) {
                throw new IllegalArgumentException("committed advice columns must be distinct, increasing and < "
                        + numAdvice + ": " + committedAdvice);
            }
        }
        gates = List.copyOf(gates);
        lookups = List.copyOf(lookups);
        equalityColumns = List.copyOf(equalityColumns);
    }

    public static ConstraintSystem of(Circuit c) {
        return of(c, List.of());
    }

    /** With the given advice columns committed apart, their root published in the proof (e.g. model weights). */
    public static ConstraintSystem of(Circuit c, List<Integer> committedAdvice) {
        return new ConstraintSystem(c.name(), c.logN(), c.usableRows(), c.numFixed(), c.numAdvice(), c.numInstance(),
                c.gates(), c.lookups(), c.equalityColumns(), committedAdvice);
    }

    public int n() {
        return 1 << logN;
    }
}
