package dev.zkscope.plonk;

import dev.zkscope.circuit.Circuit;
import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Copy;
import dev.zkscope.circuit.Witness;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.pcs.Pcs;
import dev.zkscope.poly.Evals;
import dev.zkscope.profile.PhaseListener;
import dev.zkscope.transcript.Transcript;

import java.util.ArrayList;
import java.util.List;

/**
 * The facade of the proof system: keygen, prove, verify. A transparent Plonkish proof system over Goldilocks with
 * LogUp lookups, a log-derivative permutation argument, and a polynomial commitment scheme ({@link Pcs}: DEEP-ALI
 * openings and FRI) (see {@link ArgumentLayout} for the constraints, {@link Prover} for the rounds, {@link Verifier} for the
 * checks).
 */
public final class ProofSystem {
    static final String DOMAIN = "zkscope-plonk-v1";

    private ProofSystem() {}

    /** Rows the compiler must leave free at the end of the trace; see {@link ProofParameters#reservedRows()}. */
    public static int reservedRows(ProofParameters params) {
        return params.reservedRows();
    }

    /**
     * Derives the proving and verifying keys: adds the proof system's fixed columns (for every equality column the
     * copy permutation sigma over the cell labels; the labels themselves and the active, first and last row indicators
     * are computed, not committed: {@link ArgumentLayout}), extends and commits the fixed columns. Deterministic: the same circuit and parameters give the same keys.
     */
    public static ProvingKey keygen(Circuit circuit, ProofParameters params) {
        return keygen(circuit, params, PhaseListener.NONE);
    }

    public static ProvingKey keygen(Circuit circuit, ProofParameters params, PhaseListener listener) {
        return keygen(circuit, params, List.of(), listener);
    }

    /**
     * As {@link #keygen(Circuit, ProofParameters)}, with the given advice columns (e.g. the model's weights) committed
     * in their own Merkle tree whose root every proof publishes ({@link Proof#publicCommitment()}) and
     * {@link #verify(VerifyingKey, long[][], byte[], byte[])} checks against an expected root. With zero knowledge on,
     * the tree's leaves are salted afresh for every proof (there is no seeded prove), so the root binds one proof's
     * columns without linking proofs; with it off, the root is a plain hash of the column values.
     */
    public static ProvingKey keygen(Circuit circuit, ProofParameters params, List<Integer> committedAdvice,
                                    PhaseListener listener) {
        return keygen(circuit, params, committedAdvice, new byte[0], listener);
    }

    /**
     * As {@link #keygen(Circuit, ProofParameters, List, PhaseListener)}, binding {@code statement} (how the caller
     * reads the public values, e.g. a model's output scale) into the verifying key and so into its digest, which every
     * proof's transcript absorbs first: a proof verifies only against a key with the same statement.
     */
    public static ProvingKey keygen(Circuit circuit, ProofParameters params, List<Integer> committedAdvice,
                                    byte[] statement, PhaseListener listener) {
        listener.phaseStarted("keygen");
        long t0 = System.nanoTime();
        ConstraintSystem cs = ConstraintSystem.of(circuit, committedAdvice);
        ArgumentLayout lay = new ArgumentLayout(cs, params);
        int n = lay.n;
        int u = lay.u;
        for (Copy c : circuit.copies()) {
            if (c.a().row() >= u || c.b().row() >= u) {
                throw new IllegalArgumentException("copy constraint " + c.a() + " = " + c.b() + " reaches past the "
                        + u + " usable rows");
            }
        }
        requireReservedRowsFree(circuit, u);
        // The committed fixed columns (the circuit's, then sigma per equality column), then the computed ones (X,
        // active, first, last: ArgumentLayout's class note), which the key keeps for the prover but never commits.
        long[][] fixed = new long[lay.numFixedAll + ArgumentLayout.COMPUTED][];
        for (int c = 0; c < circuit.numFixed(); c++) {
            fixed[c] = circuit.fixed()[c];
        }
        long[][] computed = lay.computedTrace();
        System.arraycopy(computed, 0, fixed, lay.numFixedAll, ArgumentLayout.COMPUTED);
        long[] omegaPow = computed[0];
        List<Column> eq = cs.equalityColumns();
        int[] sigma = copyPermutation(circuit, eq, n);
        long[] coset = new long[eq.size()];
        for (int c = 0; c < eq.size(); c++) {
            coset[c] = ArgumentLayout.labelCoset(c);
        }
        for (int c = 0; c < eq.size(); c++) {
            long[] sg = new long[n];
            for (int r = 0; r < n; r++) {
                int s = sigma[c * n + r];
                sg[r] = Goldilocks.mul(coset[s / n], omegaPow[s % n]); // the label of the next cell of r's cycle
            }
            fixed[lay.sigmaColumn(c)] = sg;
        }
        Evals[] values = new Evals[lay.numFixedAll];
        for (int c = 0; c < values.length; c++) {
            values[c] = new Evals(fixed[c], 1);
        }
        long[][] computedCoeffs = new long[ArgumentLayout.COMPUTED][];
        for (int c = 0; c < computedCoeffs.length; c++) {
            computedCoeffs[c] = dev.zkscope.poly.Ntt.interpolateInPlace(new Evals(computed[c].clone(), 1)).c();
        }
        Pcs.ProverData committed = lay.pcs(null).commitPreprocessed(values);
        VerifyingKey vk = new VerifyingKey(cs, lay.params, committed.commitment().root(), statement);
        ProvingKey pk = new ProvingKey(vk, circuit, lay, fixed, computedCoeffs, committed);
        listener.phaseFinished("keygen", System.nanoTime() - t0, dev.zkscope.profile.HeapSampler.usedNow());
        return pk;
    }

    /**
     * sigma over cell indices c * n + r: each copy class becomes one cycle through its cells in ascending order; other
     * cells are fixed points. On int arrays (union-find, then one ascending pass linking each cell to the next of its
     * class): no per-cell objects, 16 bytes per cell of the equality columns.
     */
    private static int[] copyPermutation(Circuit circuit, List<Column> eq, int n) {
        // The equality index of each column, by kind and column index (-1: not an equality column).
        int[][] index = new int[dev.zkscope.circuit.ColumnKind.values().length][];
        for (dev.zkscope.circuit.ColumnKind k : dev.zkscope.circuit.ColumnKind.values()) {
            index[k.ordinal()] = new int[circuit.columns(k)];
            java.util.Arrays.fill(index[k.ordinal()], -1);
        }
        for (int i = 0; i < eq.size(); i++) {
            index[eq.get(i).kind().ordinal()][eq.get(i).index()] = i;
        }
        int size = eq.size() * n;
        int[] parent = new int[size];
        for (int i = 0; i < size; i++) {
            parent[i] = i;
        }
        for (Copy c : circuit.copies()) {
            Column ca = c.a().column();
            Column cb = c.b().column();
            int a = find(parent, index[ca.kind().ordinal()][ca.index()] * n + c.a().row());
            int b = find(parent, index[cb.kind().ordinal()][cb.index()] * n + c.b().row());
            if (a != b) {
                parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
        int[] sigma = new int[size];
        int[] first = new int[size];
        int[] last = new int[size];
        java.util.Arrays.fill(first, -1);
        for (int cell = 0; cell < size; cell++) {
            int r = find(parent, cell);
            sigma[cell] = cell;
            if (first[r] < 0) {
                first[r] = cell;
            } else {
                sigma[last[r]] = cell;
            }
            last[r] = cell;
        }
        for (int r = 0; r < size; r++) {
            if (first[r] >= 0) {
                sigma[last[r]] = first[r];
            }
        }
        return sigma;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /**
     * Proves that the witness satisfies the circuit. The caller runs {@link dev.zkscope.circuit.Checker} first; a
     * witness of the wrong shape, a lookup input missing from its table, or any constraint that does not hold
     * throws IllegalArgumentException. Interrupting the proving thread stops the proof at the next phase boundary
     * with a {@link java.util.concurrent.CancellationException}.
     */
    public static Proof prove(ProvingKey pk, Witness witness, PhaseListener listener) {
        return new Prover(pk, listener, false).prove(witness);
    }

    /**
     * As {@link #prove(ProvingKey, Witness, PhaseListener)}, the separately committed columns' blinding rows and leaf
     * salts drawn from {@code committedSeed} (secret, fresh per proof): their root is then the one
     * {@link #precommit} computed before the proof, so a challenge drawn from that root can be a public value of this
     * very proof (the segments' link challenge). Everything else is random afresh.
     */
    public static Proof prove(ProvingKey pk, Witness witness, PhaseListener listener, byte[] committedSeed) {
        return new Prover(pk, listener, false, committedSeed).prove(witness);
    }

    /**
     * The root of {@code circuit}'s separately committed advice columns ({@code committedAdvice}, as keygen will be
     * given them) that a proof seeded with {@code seed} will publish, from those columns' values alone (the other
     * entries of {@code adviceColumns} may be null): no keygen, no other column.
     */
    public static byte[] precommit(Circuit circuit, ProofParameters params, List<Integer> committedAdvice,
                                   long[][] adviceColumns, byte[] seed) {
        ArgumentLayout lay = new ArgumentLayout(ConstraintSystem.of(circuit, committedAdvice), params);
        return Prover.precommit(lay, adviceColumns, seed);
    }

    /**
     * The separately committed columns' root that {@code proofBytes} carries (the one its transcript absorbs), or an
     * empty array when the key commits no columns apart or the bytes are not a proof for this key. Never throws.
     */
    public static byte[] committedRoot(VerifyingKey vk, byte[] proofBytes) {
        try {
            return Proof.readCommitment(proofBytes, vk.layout());
        } catch (RuntimeException e) {
            return new byte[0];
        }
    }

    /** Test-only: proves without refusing a bad witness, so that tests can show the verifier rejects the result. */
    static Proof proveUnchecked(ProvingKey pk, Witness witness) {
        return new Prover(pk, PhaseListener.NONE, true).prove(witness);
    }

    /**
     * Refuses a circuit whose gates or lookup inputs depend on the reserved rows [u, n), which hold the prover's
     * blinding: lookups are only argued over rows [0, u), so a lookup live there would be silently unenforced, and a
     * gate live there would fail on the random blinding values. The test: evaluate every gate and lookup input on
     * rows u-1 .. n-1 (rotation 1 reaches into the reserved rows from row u-1) under two random assignments of the
     * reserved advice and instance cells, with the used rows held fixed; any difference means the constraint reads
     * blinding. The selectors that the compiler keeps off on reserved rows make every such difference vanish.
     */
    static void requireReservedRowsFree(Circuit circuit, int u) {
        int n = circuit.n();
        if (u >= n) {
            return;
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(0x5EED_0F_B11DL);
        long[][] used = randomColumns(circuit.numAdvice() + circuit.numInstance(), n, rnd);
        long[][] a = randomColumns(used.length, n, rnd);
        long[][] b = randomColumns(used.length, n, rnd);
        for (int c = 0; c < used.length; c++) {
            System.arraycopy(used[c], 0, a[c], 0, u);
            System.arraycopy(used[c], 0, b[c], 0, u);
        }
        int first = Math.max(0, u - 1);
        for (int row = first; row < n; row++) {
            final int r = row;
            dev.zkscope.circuit.Expr.RowValues va = (col, rot) -> cell(circuit, a, col, (r + rot) & (n - 1));
            dev.zkscope.circuit.Expr.RowValues vb = (col, rot) -> cell(circuit, b, col, (r + rot) & (n - 1));
            for (dev.zkscope.circuit.Gate g : circuit.gates()) {
                if (g.poly().evaluate(va) != g.poly().evaluate(vb)) {
                    throw new IllegalArgumentException("gate '" + g.name() + "' is live at row " + row
                            + ", which reads the rows from " + u + " on that the prover reserves for blinding; keep its"
                            + " selector off there");
                }
            }
            for (dev.zkscope.circuit.Lookup l : circuit.lookups()) {
                for (dev.zkscope.circuit.Expr e : l.inputs()) {
                    if (e.evaluate(va) != e.evaluate(vb)) {
                        throw new IllegalArgumentException("lookup '" + l.name() + "' is live at row " + row
                                + ", which reads the rows from " + u + " that the prover reserves for blinding (lookups"
                                + " are argued over rows [0, " + u + ") only); gate its inputs with a selector that is"
                                + " off there");
                    }
                }
            }
        }
    }

    private static long[][] randomColumns(int count, int n, java.util.SplittableRandom rnd) {
        long[][] out = new long[count][n];
        for (long[] col : out) {
            for (int i = 0; i < n; i++) {
                col[i] = Goldilocks.reduce(rnd.nextLong());
            }
        }
        return out;
    }

    private static long cell(Circuit circuit, long[][] witness, Column col, int row) {
        switch (col.kind()) {
            case FIXED: return circuit.fixed()[col.index()][row];
            case ADVICE: return witness[col.index()][row];
            default: return witness[circuit.numAdvice() + col.index()][row];
        }
    }

    /** Checks a proof against a verifying key and the public values. Never throws. */
    public static VerifyResult verify(VerifyingKey vk, long[][] instance, byte[] proofBytes) {
        try {
            return new Verifier(vk).verify(instance, proofBytes);
        } catch (RuntimeException | StackOverflowError e) {
            return new VerifyResult.Rejected(new VerifyError.InternalFailure(e.toString()));
        }
    }

    /**
     * As {@link #verify(VerifyingKey, long[][], byte[])}, and also requires the proof's public commitment to the
     * separately committed columns to equal {@code expectedCommitment}. Never throws.
     */
    public static VerifyResult verify(VerifyingKey vk, long[][] instance, byte[] proofBytes, byte[] expectedCommitment) {
        try {
            return new Verifier(vk).verify(instance, proofBytes, expectedCommitment);
        } catch (RuntimeException | StackOverflowError e) {
            return new VerifyResult.Rejected(new VerifyError.InternalFailure(e.toString()));
        }
    }

    /** The transcript absorbs each instance column as its count of nonzero cells and their (row, value) pairs. */
    static void absorbInstance(Transcript tr, long[][] instance) {
        for (long[] col : instance) {
            int count = 0;
            for (long v : col) {
                if (v != 0) {
                    count++;
                }
            }
            tr.absorbLong(count);
            for (int r = 0; r < col.length; r++) {
                if (col[r] != 0) {
                    tr.absorbLong(r);
                    tr.absorbLong(col[r]);
                }
            }
        }
    }

    /**
     * The out-of-domain point: an F_p2 challenge outside F_p (so never in the trace domain or its coset, and the
     * DEEP quotients are defined), redrawn in the negligible case that it is not.
     */
    static Fp2 outOfDomainPoint(Transcript tr, int n) {
        while (true) {
            Fp2 z = tr.challengeExt();
            if (z.c1() != 0 && !z.pow(n).equals(Fp2.ONE)) {
                return z;
            }
        }
    }
}
