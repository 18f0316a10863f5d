package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;

import java.util.List;

/**
 * What the verifier must know of a circuit: its shape and its constraints, without the fixed values (committed) or
 * the copy constraints (compiled into the permutation's fixed columns, also committed).
 */
public record ConstraintSystem(String name, int logN, int usableRows, int numFixed, int numAdvice, int numInstance,
                               List<Gate> gates, List<Lookup> lookups, List<Column> equalityColumns) {
    public ConstraintSystem {
        gates = List.copyOf(gates);
        lookups = List.copyOf(lookups);
        equalityColumns = List.copyOf(equalityColumns);
    }

    public static ConstraintSystem of(Circuit c) {
        return new ConstraintSystem(c.name(), c.logN(), c.usableRows(), c.numFixed(), c.numAdvice(), c.numInstance(),
                c.gates(), c.lookups(), c.equalityColumns());
    }

    public int n() {
        return 1 << logN;
    }
}
