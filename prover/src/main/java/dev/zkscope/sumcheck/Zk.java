package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.transcript.Transcript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The zero-knowledge layer of the model protocol (docs/sumcheck-zk.md, section 3): every sumcheck a layer runs goes
 * through {@link #sumcheck}, which masks it ({@link ZkSumcheck}: Libra's round mask g and an evaluation mask for every
 * private table), and every value a layer learns about a committed tensor becomes a {@link Claim}: a linear form over
 * one commitment's values (segments at points, whole segments, single mask slots) with its value. The claims are
 * checked at the end by one batched hiding opening per commitment ({@link ZkOpening#proveClaims}), so the proof shows
 * only masked values, round polynomials and the opening, all uniform given the public statement.
 *
 * <p>The masks live in a segment of the commitment they belong to (W's "masks" segment, or the lookup helpers'):
 * random values committed before any challenge, handed out in the same order on both sides ({@link Pool}).
 * A private table's masked final value is f~(s) + sum_j s_j (1 - s_j) c_j; the claim the caller binds to it
 * ({@link Run#bind}) is its linear form at s plus those mask slots. g(r) is a claim on g's slots.
 *
 * <p><b>What a new layer must do to be zero-knowledge</b>: start from fresh challenges (never from another layer's
 * value), run each of its sumchecks through {@link #sumcheck} with every witness-dependent table flagged private,
 * then for each table either {@link Run#bind} it (private: its linear form over committed segments) or
 * {@link Run#expect} it (public: the verifier's own value), then {@link Run#check} the sumcheck's form; send nothing
 * else about private data in the clear (identities that are linear in committed values are a {@link #claim} with a
 * public value), and count its mask slots in {@link #budget} (an undercount fails every proof with a message naming the
 * pool).
 */
final class Zk {
    static final Fp2 X = new Fp2(0, 1);

    /** A term of a linear form: coef times segment seg's MLE at point (its own variables), or its sum when null. */
    record Term(int seg, Fp2[] point, Fp2 coef) {}

    /** A term on one committed value: coef times value[index] (index in the commitment's table). */
    record Slot(int index, Fp2 coef) {}

    /** The claim sum(terms) + sum(slots) = value on one commitment (its {@link Space}). */
    record Claim(List<Term> terms, List<Slot> slots, Fp2 value) {}

    /** A commitment's table: segments at aligned offsets in 2^logSize values. */
    record Space(int logSize, int[] offsets, int[] logSizes) {
        /** The point in the space's variables at which segment seg's MLE at z is read. */
        Fp2[] point(int seg, Fp2[] z) {
            int a = logSizes[seg];
            if (z.length != a) {
                throw new IllegalArgumentException("point of " + z.length + " variables for a segment of 2^" + a);
            }
            Fp2[] w = new Fp2[logSize];
            System.arraycopy(z, 0, w, 0, a);
            int hi = offsets[seg] >>> a;
            for (int j = a; j < logSize; j++) {
                w[j] = ((hi >>> (j - a)) & 1) == 1 ? Fp2.ONE : Fp2.ZERO;
            }
            return w;
        }

        /** The term's weight function's MLE at z (the space's variables). */
        Fp2 weightAt(Term t, Fp2[] z) {
            int a = logSizes[t.seg()];
            Fp2 sel = Fp2.ONE;
            int hi = offsets[t.seg()] >>> a;
            for (int j = a; j < logSize; j++) {
                sel = sel.mul(((hi >>> (j - a)) & 1) == 1 ? z[j] : Fp2.ONE.sub(z[j]));
            }
            if (t.point() == null) {
                return sel.mul(t.coef());
            }
            return sel.mul(Mle.eq(t.point(), Arrays.copyOf(z, a))).mul(t.coef());
        }

        /** eq(bits(index), z). */
        Fp2 slotAt(Slot s, Fp2[] z) {
            Fp2 acc = s.coef();
            for (int j = 0; j < logSize; j++) {
                acc = acc.mul(((s.index() >>> j) & 1) == 1 ? z[j] : Fp2.ONE.sub(z[j]));
            }
            return acc;
        }

        /** Adds c times the claim's weight function to e (interleaved, 2^logSize entries). */
        void addWeights(long[] e, Claim cl, Fp2 c) {
            for (Term t : cl.terms()) {
                int off = offsets[t.seg()];
                int n = 1 << logSizes[t.seg()];
                Fp2 k = c.mul(t.coef());
                if (t.point() == null) {
                    long k0 = k.c0();
                    long k1 = k.c1();
                    for (int i = 2 * off; i < 2 * (off + n); i += 2) {
                        e[i] = Goldilocks.add(e[i], k0);
                        e[i + 1] = Goldilocks.add(e[i + 1], k1);
                    }
                } else {
                    long[] eq = Mle.eqTable(t.point(), k); // k eq(point, .): the scaling rides on the table's products
                    FieldOps.add(n); // counted as the product by k it replaces (the estimate's unit)
                    for (int i = 0; i < 2 * n; i++) {
                        e[2 * off + i] = Goldilocks.add(e[2 * off + i], eq[i]);
                    }
                }
            }
            for (Slot s : cl.slots()) {
                Ext.set(e, s.index(), Ext.get(e, s.index()).add(c.mul(s.coef())));
            }
        }
    }

    /** The mask values of one commitment: a segment of random values, handed out in order. */
    static final class Pool {
        final String name;
        final int offset;
        final int size;
        final long[] values; // the commitment's table (prover), or null (verifier)
        int next;

        Pool(String name, int offset, int size, long[] values) {
            this.name = name;
            this.offset = offset;
            this.size = size;
            this.values = values;
        }

        /** n consecutive base-field slots; returns the index of the first in the commitment's table. */
        int take(int n) {
            if (next + n > size) {
                throw new IllegalStateException("the " + name + " mask pool of " + size + " values is exhausted: "
                        + "Zk.budget undercounts a layer's masks");
            }
            int at = offset + next;
            next += n;
            return at;
        }
    }

    /** A linear form being built: terms on one commitment, plus a constant the verifier knows (public tensors). */
    static final class Lin {
        final List<Term> terms = new ArrayList<>();
        final List<Slot> slots = new ArrayList<>();
        Fp2 constant = Fp2.ZERO;

        Lin seg(int seg, Fp2[] point, Fp2 coef) {
            terms.add(new Term(seg, point, coef));
            return this;
        }

        Lin constant(Fp2 v) {
            constant = constant.add(v);
            return this;
        }

        /** The F_p2 value at slots (i, i + 1) (c0 + X c1) times coef. */
        Lin ext(int index, Fp2 coef) {
            slots.add(new Slot(index, coef));
            slots.add(new Slot(index + 1, coef.mul(X)));
            return this;
        }
    }

    final Transcript tr;
    final ProofStream.Writer out; // prover
    final ProofStream.Reader in; // verifier
    final boolean masked;
    final Pool[] pools;
    final Space[] spaces;
    final List<List<Claim>> claims = new ArrayList<>();

    Zk(Transcript tr, ProofStream.Writer out, ProofStream.Reader in, boolean masked, Space[] spaces, Pool[] pools) {
        this.tr = tr;
        this.out = out;
        this.in = in;
        this.masked = masked;
        this.spaces = spaces;
        this.pools = pools;
        for (int i = 0; i < spaces.length; i++) {
            claims.add(new ArrayList<>());
        }
    }

    boolean prover() {
        return out != null;
    }

    /** Records the claim lin = value on commitment space (the verifier takes the constant off its value). */
    void claim(int space, Lin lin, Fp2 value) {
        claims.get(space).add(new Claim(List.copyOf(lin.terms), List.copyOf(lin.slots), value.sub(lin.constant)));
    }

    /** Reads or writes one value the layer sends in the clear (it must not depend on private data). */
    Fp2 send(Fp2 v) throws Malformed {
        if (prover()) {
            out.fp2(v, tr);
            return v;
        }
        return in.fp2(tr);
    }

    /** Mask slots (base-field values) of one zero-knowledge sumcheck of m variables, degree d, k private tables. */
    static int slots(int m, int degree, int privateTables) {
        return 2 * m * (degree + 1) + 2 * m * privateTables;
    }

    /**
     * A zero-knowledge sumcheck of sum_x form(tables) = claim. Prover: tables given (interleaved F_p2, 2^m each), the
     * proof is written; verifier: tables null, the proof is read and its rounds checked. {@code priv[t]} flags the
     * tables whose values depend on the witness; {@code space[t]} names the commitment whose pool holds table t's mask
     * (and whose claims its binding joins). The round mask g lives in pool {@code gSpace}.
     */
    Run sumcheck(Sumcheck.Form form, long[][] tables, int m, boolean[] priv, int[] space, int gSpace, Fp2 claim)
            throws Malformed {
        return sumcheck(form, tables, null, m, priv, space, gSpace, claim);
    }

    /**
     * As above for a zero-check: table 0 is eq(tau, .), public, and the prover's {@code tables[0]} may be null (the
     * prover then never builds it: {@link ZkSumcheck#prove(Sumcheck.Form, long[][], boolean[], ZkSumcheck.Masks,
     * Transcript, Fp2[], Fp2)}). The proof is the same as with the table given.
     */
    Run zeroCheck(Sumcheck.Form form, Fp2[] tau, long[][] tables, int m, boolean[] priv, int[] space, int gSpace,
                  Fp2 claim) throws Malformed {
        if (tau.length != m || priv[0]) {
            throw new IllegalArgumentException("a zero-check's table 0 is eq(tau, .) over the sumcheck's variables");
        }
        return sumcheck(form, tables, tau, m, priv, space, gSpace, claim);
    }

    private Run sumcheck(Sumcheck.Form form, long[][] tables, Fp2[] tau, int m, boolean[] priv, int[] space, int gSpace,
                         Fp2 claim) throws Malformed {
        int d = ZkSumcheck.degree(form, priv);
        int gAt = pools[gSpace].take(2 * m * (d + 1));
        int[] zAt = new int[priv.length];
        for (int t = 0; t < priv.length; t++) {
            zAt[t] = priv[t] ? pools[space[t]].take(2 * m) : -1;
        }
        ZkSumcheck.Proof proof;
        Fp2[] point;
        Fp2 reduced = null;
        if (prover()) {
            long[][] g = new long[m][];
            for (int j = 0; j < m; j++) {
                g[j] = slice(pools[gSpace], gAt + 2 * (d + 1) * j, 2 * (d + 1));
            }
            long[][] z = new long[priv.length][];
            for (int t = 0; t < priv.length; t++) {
                z[t] = priv[t] ? slice(pools[space[t]], zAt[t], 2 * m) : null;
            }
            ZkSumcheck.Result res = ZkSumcheck.prove(form, tables, priv, new ZkSumcheck.Masks(g, z), tr, tau, claim);
            proof = res.proof();
            point = res.point();
            out.w.fp2(proof.maskSum());
            for (Fp2[] h : proof.rounds().rounds()) {
                for (Fp2 v : h) {
                    out.w.fp2(v);
                }
            }
            for (Fp2 v : proof.finals()) {
                out.w.fp2(v);
            }
            out.w.fp2(proof.maskAtPoint());
        } else {
            Fp2 gs = in.r.fp2();
            Fp2[][] rounds = new Fp2[m][d + 1];
            for (int k = 0; k < m; k++) {
                for (int t = 0; t <= d; t++) {
                    rounds[k][t] = in.r.fp2();
                }
            }
            Fp2[] fin = new Fp2[priv.length];
            for (int t = 0; t < fin.length; t++) {
                fin[t] = in.r.fp2();
            }
            Fp2 gr = in.r.fp2();
            proof = new ZkSumcheck.Proof(gs, new SumcheckProof(rounds), fin, gr);
            ZkSumcheck.Reduced red = ZkSumcheck.verify(claim, m, d, proof, tr);
            point = red.point();
            reduced = red.claim();
        }
        // g(r) = sum_j sum_e r_j^e g_(j, e)
        Lin lg = new Lin();
        for (int j = 0; j < m; j++) {
            Fp2 pw = Fp2.ONE;
            for (int e = 0; e <= d; e++) {
                lg.ext(gAt + 2 * (d + 1) * j + 2 * e, pw);
                pw = pw.mul(point[j]);
            }
        }
        claim(gSpace, lg, proof.maskAtPoint());
        return new Run(this, point, proof.finals(), reduced, zAt, space, priv);
    }

    private long[] slice(Pool p, int at, int n) {
        long[] v = new long[n];
        if (masked) {
            System.arraycopy(p.values, at, v, 0, n);
        }
        return v;
    }

    /** One zero-knowledge sumcheck's outcome: its point, the tables' final values, and their bindings. */
    static final class Run {
        final Zk zk;
        final Fp2[] point;
        final Fp2[] finals;
        final Fp2 reduced;
        final int[] zAt;
        final int[] space;
        final boolean[] priv;
        final boolean[] done;

        Run(Zk zk, Fp2[] point, Fp2[] finals, Fp2 reduced, int[] zAt, int[] space, boolean[] priv) {
            this.zk = zk;
            this.point = point;
            this.finals = finals;
            this.reduced = reduced;
            this.zAt = zAt;
            this.space = space;
            this.priv = priv;
            this.done = new boolean[priv.length];
        }

        /** Private table t: its masked final value is lin at the point plus its mask; recorded as a claim. */
        void bind(int t, Lin lin) {
            if (!priv[t] || done[t]) {
                throw new IllegalStateException("table " + t + " is public or bound twice");
            }
            done[t] = true;
            for (int j = 0; j < point.length; j++) {
                lin.ext(zAt[t] + 2 * j, point[j].mul(Fp2.ONE.sub(point[j])));
            }
            zk.claim(space[t], lin, finals[t]);
        }

        /** Public table t: the verifier checks its final value against its own. */
        void expect(int t, Fp2 v, String what) {
            if (priv[t] || done[t]) {
                throw new IllegalStateException("table " + t + " is private or checked twice");
            }
            done[t] = true;
            if (!zk.prover() && !finals[t].equals(v)) {
                throw new SumcheckException(what + ": a public table's final value is wrong");
            }
        }

        /** Verifier: form(finals) must equal the sumcheck's reduced claim; every table must be bound or expected. */
        void check(Sumcheck.Form form, String what) {
            for (int t = 0; t < done.length; t++) {
                if (!done[t]) {
                    throw new IllegalStateException(what + ": table " + t + " neither bound nor checked");
                }
            }
            if (!zk.prover() && !form.evaluate(finals).equals(reduced)) {
                throw new SumcheckException(what + " fails");
            }
        }
    }
}
