package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;

/**
 * The sizes that drive the prover's work for one circuit under one parameter set, read off the same {@link ArgumentLayout}
 * the prover and verifier build: how many columns each commitment round holds, the low-degree extension and quotient
 * domain sizes, and how large the constraint expressions are. The cost model predicts time and memory from these.
 *
 * @param logN             trace rows 2^logN
 * @param logLde           low-degree extension size 2^logLde (rate 2^-logBlowup)
 * @param logQuotient      quotient evaluation domain size 2^logQuotient
 * @param fixedColumns     fixed columns incl. the proof system's own (committed at keygen)
 * @param adviceColumns    advice columns incl. LogUp multiplicities (first round)
 * @param auxColumns       base-field columns of the LogUp helper and running-sum columns (F_p2 each counts 2)
 * @param quotientColumns  base-field columns of the quotient chunks (and masks)
 * @param maxDegree        the largest constraint degree
 * @param constraints      number of constraints combined into the quotient
 * @param exprNodes        total expression-tree nodes evaluated per quotient point (gates, lookup tuples, copies)
 * @param fractions        LogUp fractions (two per lookup, two per permuted column): each costs the quotient a
 *                         denominator and three F_p2 block products per point beyond its expression nodes
 * @param queries          FRI queries: the rows a batch that recomputes its extension evaluates in the query phase
 */
public record ProofShape(int logN, int logLde, int logQuotient, int fixedColumns, int adviceColumns, int auxColumns,
                         int quotientColumns, int maxDegree, int constraints, long exprNodes, int fractions,
                         int queries) {

    public static ProofShape of(Circuit circuit, ProofParameters params) {
        return of(ConstraintSystem.of(circuit), params);
    }

    /** The shape from the constraint system alone (a counted model has no circuit, only this). */
    public static ProofShape of(ConstraintSystem cs, ProofParameters params) {
        ArgumentLayout l = new ArgumentLayout(cs, params);
        long nodes = 0;
        for (Gate g : cs.gates()) {
            nodes += size(g.poly());
        }
        for (ArgumentLayout.Fraction f : l.fractions) {
            nodes += size(f.num()) + 2;
            for (Expr e : f.tuple()) {
                nodes += size(e) + 2;
            }
        }
        return new ProofShape(l.logN, l.logLde, l.logN + l.qLog, l.widths[ArgumentLayout.FIXED], l.widths[ArgumentLayout.ADVICE] + l.widths[ArgumentLayout.COMMITTED],
                l.widths[ArgumentLayout.AUX], l.widths[ArgumentLayout.QUOTIENT], l.maxDegree, l.numConstraints(), nodes,
                l.fractions.size(), params.forTrace(cs.logN()).numQueries());
    }

    /** The same circuit at a height of 2^k rows (the same columns, expressions and queries). */
    public ProofShape atHeight(int k) {
        int d = k - logN;
        return new ProofShape(k, logLde + d, logQuotient + d, fixedColumns, adviceColumns, auxColumns, quotientColumns,
                maxDegree, constraints, exprNodes, fractions, queries);
    }

    /** Columns the prover itself commits (everything but the fixed ones, which keygen committed). */
    public int proverColumns() {
        return adviceColumns + auxColumns + quotientColumns;
    }

    public int totalColumns() {
        return fixedColumns + proverColumns();
    }

    private static long size(Expr e) {
        if (e instanceof Expr.Sum s) {
            return 1 + size(s.a()) + size(s.b());
        }
        if (e instanceof Expr.Product p) {
            return 1 + size(p.a()) + size(p.b());
        }
        if (e instanceof Expr.Neg n) {
            return 1 + size(n.a());
        }
        return 1;
    }
}
