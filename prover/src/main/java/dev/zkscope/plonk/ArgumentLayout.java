package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.pcs.FriConfig;
import dev.zkscope.pcs.Pcs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * The proof system's view of a circuit: the columns it adds, the LogUp fractions, their grouping into helper
 * columns, the constraint list and the degrees that size the quotient. Prover and verifier build the same ArgumentLayout
 * from the {@link ConstraintSystem} and {@link ProofParameters}, so they agree on every index.
 *
 * <h2>Lookups and copies, one log-derivative sum</h2>
 * LogUp (Haböck 2022, eprint 2022/1530): the inputs f_i lie in the table t_j iff there are multiplicities m_j with
 * sum_i 1/(beta - f_i) = sum_j m_j/(beta - t_j) as rational functions of beta; a random beta in F_p2 tests it. Tuples
 * are compressed as beta - (tag + gamma e_1 + gamma^2 e_2 + ...) with the lookup's index as tag, so several lookups
 * (and the several tables tagged inside one) share a single sum without mixing.
 *
 * <p>Copy constraints use the same log-derivative form of the permutation argument: give every cell of an
 * equality column a label id (fixed) and let sigma map each cell to the next cell of its copy cycle (fixed); values
 * are constant on cycles iff the multisets {(v, id)} and {(v, sigma)} agree, i.e. iff sum 1/(beta' - v - gamma' id)
 * - sum 1/(beta' - v - gamma' sigma) = 0, with independent challenges (beta', gamma').
 *
 * <h2>Columns the verifier computes (proof format 5)</h2>
 * The label of cell (equality column c, row r) is k_c omega^r with k_c = g^c (g the multiplicative generator): the
 * cosets k_c H are disjoint (g^d lies in H, of order n, only if (p - 1) / n divides d, and d = c - c' is below 2^20
 * while (p - 1) / n is at least 2^40), so the labels are distinct, and id_c(X) = k_c X. So id_c is not a committed
 * column: the fractions read k_c times the virtual column X ({@link #domainColumn}), whose value the verifier knows
 * at any point. Likewise the indicator columns: first = L_0, last = L_u and active = sum_{r &lt; u} L_r = 1 -
 * sum_{u &lt;= r &lt; n} L_r, with L_r(x) = omega^r (x^n - 1) / (n (x - omega^r)), which the verifier evaluates in
 * O(n - u) ({@link #computedAt}). The four are fixed columns of index {@link #numFixedAll} and above: the prover
 * evaluates them like instance columns (from their coefficients, coset by coset), the verifier from the formulas,
 * and neither commits nor opens them. Before format 5 they were committed in the fixed tree (3 + E of its columns,
 * each opened at every query: residual lost 54 of its 368 opened columns).
 *
 * <p>All fractions n_k/d_k are packed in groups whose constraint degree stays within the circuit's; each group g
 * has a helper column h_g (in F_p2) with active * (h_g prod d_k - sum_k n_k prod_{l != k} d_l) = 0, and one running
 * sum Z with first * Z = 0, active * (Z(omega X) - Z(X) - sum_g h_g) = 0, last * Z = 0 where first, last and active
 * are fixed indicator columns of row 0, row u and rows [0, u) (u = usable rows). The sum thus covers exactly the
 * circuit's rows; blinding rows (and their helper values) are free. With u = n the "last" row is row 0 and the sum
 * wraps cyclically.
 *
 * <h2>Quotient</h2>
 * With all constraints C_c of degree at most d in polynomials of degree &lt; n, the combination C = sum alpha^c C_c
 * vanishes on the trace domain H iff it is Z_H Q with deg Q &lt;= d(n-1) - n; Q is evaluated on a coset of size
 * n 2^qLog >= (d-1) n and split into L chunks of m coefficients, Q = sum_j X^(jm) Q_j.
 *
 * <h2>Zero knowledge (Haböck and Al Kindi, eprint 2024/1037)</h2>
 * Every value a proof shows must be simulatable from the public values alone. Three things see to it:
 * <ul>
 * <li><b>Trace blinding.</b> Every witness-dependent column has {@link ProofParameters#reservedRows()} random rows,
 * at least as many as the base-field functionals a proof determines of it: numQueries rows of its extension, and two
 * per out-of-domain point it is opened at. A column is opened at z omega only when a constraint reads it at the next
 * row ({@link #openings()}): the others are opened at z alone.</li>
 * <li><b>A randomised quotient.</b> From a query's opened quotient row the verifier computes sum x^(jm) Q_j(x); if
 * that were Q(x) it would know C(x) = Z_H(x) Q(x), a relation between the trace at x and at x omega, where nothing is
 * opened, and each query would reveal one more functional of every column read at the next row (an earlier version
 * did: the audit's witness distinguisher). So the prover commits, with the LogUp helpers and before alpha, a mask
 * S = S_0 + S_1 X of two base columns random on every row, and commits Q' = Q + S(omega X) instead of Q. The verifier
 * checks C(z) = Z_H(z) (Q'(z) - S(z omega)), with S(z omega) opened; soundness is untouched (S is fixed before alpha
 * and z, and Q' - S(omega X) must still be C / Z_H). At a query x the verifier now learns Q(x) + S(x omega), and
 * S(x omega) is a fresh uniform value (S is random on all n rows and a proof determines at most 2 numQueries + 2 base
 * functionals of each of its columns), so the quotient row reveals nothing. The chunks themselves are masked as
 * Q_j' = Q_j + X^m R_j - R_(j-1) with random R_j of degree &lt; k (R_(-1) = R_(L-1) = 0): the masks telescope away in
 * sum X^(jm) Q_j', each chunk keeps degree &lt; n, and k = numQueries + 2 random coefficients hide a chunk's openings
 * (its query rows and z; the quotient is never opened at z omega).</li>
 * <li><b>A randomised DEEP batch.</b> Two random base columns of n coefficients in the quotient tree enter the FRI
 * batch, so that the values FRI shows of the batched polynomial (leaf siblings, folded layers, the final polynomial)
 * are uniform; this needs a large enough trace ({@link dev.zkscope.pcs.FriConfig#masksFri()},
 * {@link ProofParameters#minLogN()}).</li>
 * </ul>
 */
final class ArgumentLayout {
    /** A fraction num / (beta - sum gamma^i tuple_i); perm selects the permutation's challenges. */
    record Fraction(Expr num, List<Expr> tuple, boolean perm) {
        int denominatorDegree() {
            int d = 0;
            for (Expr e : tuple) {
                d = Math.max(d, e.degree());
            }
            return d;
        }
    }

    final ConstraintSystem cs;
    final ProofParameters params;
    final int logN;
    final int n;
    final int u;
    final int numFixedAll;
    final int numAdviceAll;
    /**
     * Index of the virtual fixed column X (the domain point: omega^r on row r), which k_c X turns into the labels of
     * equality column c; the indicator columns active, first and last follow it. None is committed.
     */
    final int domainColumn;
    final int active;
    final int first;
    final int last;
    /** Fixed columns the verifier computes itself: X, active, first, last (indices numFixedAll ..). */
    static final int COMPUTED = 4;
    final List<Fraction> fractions = new ArrayList<>();
    final List<List<Integer>> groups = new ArrayList<>();
    final int maxDegree;
    final int qLog;
    final int chunkLen;
    final int numChunks;
    final int maskCoeffs;
    /** Aux column of S_0 (S_1 follows) when zero knowledge is on, else -1: the quotient's random mask. */
    final int quotientMask;
    /** Base columns per tree: fixed, committed, advice, aux, quotient. */
    final int[] widths = new int[5];
    /** Tree and position of each advice column (circuit advice, then multiplicities). */
    final int[] adviceTree;
    final int[] adviceSlot;
    final int totalColumns;
    final int logLde;
    /** The columns opened at z and at z omega, computed once ({@link #openings()}). */
    private final int[][] openings;

    static final int FIXED = 0;
    static final int COMMITTED = 1;
    static final int ADVICE = 2;
    static final int AUX = 3;
    static final int QUOTIENT = 4;
    static final int TREES = 5;
    static final String[] TREE_NAMES = {"fixed", "committed", "advice", "aux", "quotient"};

    ArgumentLayout(ConstraintSystem cs, ProofParameters preset) {
        // the parameters this trace size is proved with (a small trace: a lower rate, fewer queries)
        ProofParameters params = preset.forTrace(cs.logN());
        this.cs = cs;
        this.params = params;
        this.logN = cs.logN();
        this.n = 1 << logN;
        this.u = cs.usableRows();
        int eq = cs.equalityColumns().size();
        this.numFixedAll = cs.numFixed() + eq;
        this.domainColumn = numFixedAll;
        this.active = numFixedAll + 1;
        this.first = numFixedAll + 2;
        this.last = numFixedAll + 3;
        this.numAdviceAll = cs.numAdvice() + cs.lookups().size();
        if (n - u < params.reservedRows()) {
            throw new IllegalArgumentException("circuit '" + cs.name() + "' leaves " + (n - u) + " rows free after its "
                    + u + " usable rows; preset " + params.name() + " needs " + params.reservedRows()
                    + " (ProofParameters.reservedRows())");
        }

        for (int l = 0; l < cs.lookups().size(); l++) {
            Lookup lk = cs.lookups().get(l);
            List<Expr> in = new ArrayList<>();
            List<Expr> tb = new ArrayList<>();
            in.add(new Expr.Const(l));
            tb.add(new Expr.Const(l));
            in.addAll(lk.inputs());
            tb.addAll(lk.table());
            fractions.add(new Fraction(new Expr.Const(1), in, false));
            fractions.add(new Fraction(new Expr.Neg(Column.advice(cs.numAdvice() + l).cur()), tb, false));
        }
        for (int c = 0; c < eq; c++) {
            Expr v = cs.equalityColumns().get(c).cur();
            Expr id = new Expr.Product(Column.fixed(domainColumn).cur(), new Expr.Const(labelCoset(c)));
            fractions.add(new Fraction(new Expr.Const(1), List.of(v, id), true));
            fractions.add(new Fraction(new Expr.Const(Goldilocks.P - 1), List.of(v, Column.fixed(sigmaColumn(c)).cur()), true));
        }

        int budget = 2;
        for (Gate g : cs.gates()) {
            budget = Math.max(budget, g.degree());
        }
        for (Fraction f : fractions) {
            budget = Math.max(budget, groupDegree(List.of(f)));
        }
        // The quotient domain has 2^qLog n points with 2^qLog >= d - 1, so a degree below 2^qLog + 1 costs nothing
        // there: the fractions are packed up to that degree (three linear fractions per helper where two fitted at
        // degree 4), which saves a helper column, two base columns opened at every query, per group saved.
        int q0 = 0;
        while ((1 << q0) < budget - 1) {
            q0++;
        }
        budget = Math.max(budget, Math.min((1 << q0) + 1, params.maxConstraintDegree()));
        List<Fraction> cur = new ArrayList<>();
        List<Integer> curIdx = new ArrayList<>();
        for (int i = 0; i < fractions.size(); i++) {
            cur.add(fractions.get(i));
            if (groupDegree(cur) > budget) {
                cur.remove(cur.size() - 1);
                groups.add(List.copyOf(curIdx));
                cur.clear();
                curIdx.clear();
                cur.add(fractions.get(i));
            }
            curIdx.add(i);
        }
        if (!curIdx.isEmpty()) {
            groups.add(List.copyOf(curIdx));
        }
        int degree = 2;
        for (Gate g : cs.gates()) {
            degree = Math.max(degree, g.degree());
        }
        for (List<Integer> grp : groups) {
            List<Fraction> fs = new ArrayList<>();
            for (int k : grp) {
                fs.add(fractions.get(k));
            }
            degree = Math.max(degree, groupDegree(fs));
        }
        this.maxDegree = degree;
        int q = 0;
        while ((1 << q) < maxDegree - 1) {
            q++;
        }
        this.qLog = q;
        if (qLog > params.logBlowup()) {
            throw new IllegalArgumentException("constraint degree " + maxDegree + " needs blowup >= " + (maxDegree - 1)
                    + "; preset " + params.name() + " has blowup " + (1 << params.logBlowup()) + " (max degree "
                    + params.maxConstraintDegree() + ")");
        }
        if (params.zeroKnowledge() && logN < params.minLogN()) {
            throw new IllegalArgumentException("circuit '" + cs.name() + "' has 2^" + logN + " rows; zero knowledge at"
                    + " preset " + params.name() + " needs at least 2^" + params.minLogN() + " (pad the trace: "
                    + "CompileOptions.minLogN, which the pipeline sets from ProofParameters.minLogN())");
        }
        // Each quotient chunk is opened at numQueries LDE points and at z in F_p2 (two base-field values), so
        // numQueries + 2 random coefficients hide every opening.
        this.maskCoeffs = params.zeroKnowledge() ? params.numQueries() + 2 : 0;
        this.chunkLen = n - maskCoeffs;
        if (chunkLen < 1) {
            throw new IllegalArgumentException("trace of " + n + " rows is too small for preset " + params.name());
        }
        // With zero knowledge the committed quotient is Q + S(omega X), of degree up to n - 1 whatever Q's.
        long coeffs = Math.max(params.zeroKnowledge() ? n : 1L, (long) maxDegree * (n - 1) - n + 1);
        this.numChunks = (int) ((coeffs + chunkLen - 1) / chunkLen);
        widths[FIXED] = numFixedAll;
        widths[COMMITTED] = cs.committedAdvice().size();
        widths[ADVICE] = numAdviceAll - widths[COMMITTED];
        adviceTree = new int[numAdviceAll];
        adviceSlot = new int[numAdviceAll];
        int ci = 0;
        int ai = 0;
        for (int c = 0; c < numAdviceAll; c++) {
            if (ci < widths[COMMITTED] && cs.committedAdvice().get(ci) == c) {
                adviceTree[c] = COMMITTED;
                adviceSlot[c] = ci++;
            } else {
                adviceTree[c] = ADVICE;
                adviceSlot[c] = ai++;
            }
        }
        this.quotientMask = params.zeroKnowledge() ? 2 * (groups.size() + 1) : -1;
        widths[AUX] = 2 * (groups.size() + 1) + (params.zeroKnowledge() ? 2 : 0);
        widths[QUOTIENT] = 2 * numChunks + (params.zeroKnowledge() ? 2 : 0);
        this.totalColumns = widths[0] + widths[1] + widths[2] + widths[3] + widths[4];
        this.logLde = logN + params.logBlowup();
        if (logLde > 30) {
            throw new IllegalArgumentException("trace 2^" + logN + " at blowup 2^" + params.logBlowup()
                    + " needs an extension of 2^" + logLde + " points; at most 2^30 are supported");
        }
        this.openings = computeOpenings();
    }

    int sigmaColumn(int eqIndex) {
        return cs.numFixed() + eqIndex;
    }

    /** k_c = g^c: the labels of equality column c are k_c omega^r (see the class note). */
    static long labelCoset(int eqIndex) {
        return Goldilocks.pow(Goldilocks.GENERATOR, eqIndex);
    }

    /** The label of cell (equality column c, row r), k_c omega^r: the value of id_c = k_c X on row r. */
    long label(int eqIndex, int row) {
        return Goldilocks.mul(labelCoset(eqIndex), Goldilocks.pow(Goldilocks.rootOfUnity(logN), row));
    }

    /** The computed fixed columns X, active, first, last on the trace rows (the prover's and the checker's view). */
    long[][] computedTrace() {
        long[][] out = new long[COMPUTED][n];
        long w = Goldilocks.rootOfUnity(logN);
        long x = 1;
        for (int r = 0; r < n; r++) {
            out[0][r] = x;
            x = Goldilocks.mul(x, w);
        }
        java.util.Arrays.fill(out[1], 0, u, 1);
        out[2][0] = 1;
        out[3][u % n] = 1;
        return out;
    }

    /**
     * The computed fixed columns X, active, first, last at a point x outside the trace domain: x, 1 - sum_{u &lt;= r
     * &lt; n} L_r(x), L_0(x) and L_(u mod n)(x), with L_r(x) = omega^r (x^n - 1) / (n (x - omega^r)).
     */
    Fp2[] computedAt(Fp2 x) {
        Fp2 zh = x.pow(n).sub(Fp2.ONE);
        long nInv = Goldilocks.inv(n);
        long w = Goldilocks.rootOfUnity(logN);
        java.util.function.IntFunction<Fp2> lagrange = r -> {
            long wr = Goldilocks.pow(w, r);
            return zh.mul(Goldilocks.mul(wr, nInv)).mul(x.sub(Fp2.of(wr)).inv());
        };
        Fp2 active = Fp2.ONE;
        for (int r = u; r < n; r++) {
            active = active.sub(lagrange.apply(r));
        }
        return new Fp2[] {x, active, lagrange.apply(0), lagrange.apply(u % n)};
    }

    /** Degree of active * (h prod d_k - sum_k n_k prod_{l != k} d_l). */
    private static int groupDegree(List<Fraction> fs) {
        int sumD = 0;
        for (Fraction f : fs) {
            sumD += f.denominatorDegree();
        }
        int deg = 1 + sumD;
        for (Fraction f : fs) {
            deg = Math.max(deg, f.num().degree() + sumD - f.denominatorDegree());
        }
        return 1 + deg;
    }

    /** Global index of the first column of a tree in the concatenated column order (for DEEP batching). */
    int offset(int tree) {
        int o = 0;
        for (int t = 0; t < tree; t++) {
            o += widths[t];
        }
        return o;
    }

    /** False only for the committed-columns tree when no column is committed apart: then it is not in the proof. */
    boolean present(int tree) {
        return tree != COMMITTED || widths[COMMITTED] > 0;
    }

    /** Global (DEEP batching) index of an advice column. */
    int globalAdvice(int c) {
        return offset(adviceTree[c]) + adviceSlot[c];
    }

    /** Global index of an aux column. */
    int globalAux(int c) {
        return offset(AUX) + c;
    }

    /**
     * The columns opened at z and at z omega (global indices, ascending): z opens every column but the quotient
     * mask S (read only at the next row); z omega opens the columns a gate or a LogUp fraction reads at the next
     * row, the running sum Z and S. Each opening is a functional the column's blinding must hide, so no column is
     * opened where no constraint reads it.
     */
    int[][] openings() {
        return openings;
    }

    private int[][] computeOpenings() {
        java.util.TreeSet<Integer> next = new java.util.TreeSet<>();
        List<Expr> exprs = new ArrayList<>();
        for (Gate g : cs.gates()) {
            exprs.add(g.poly());
        }
        for (Fraction f : fractions) {
            exprs.add(f.num());
            exprs.addAll(f.tuple());
        }
        for (Expr e : exprs) {
            for (Expr.Var v : e.variables()) {
                if (v.rotation() != 0) {
                    switch (v.column().kind()) {
                        case FIXED:
                            if (v.column().index() < numFixedAll) { // a computed column is never opened
                                next.add(offset(FIXED) + v.column().index());
                            }
                            break;
                        case ADVICE: next.add(globalAdvice(v.column().index())); break;
                        default: break; // instance values are public: the verifier computes them
                    }
                }
            }
        }
        int groupsZ = 2 * groups.size();
        next.add(globalAux(groupsZ));
        next.add(globalAux(groupsZ + 1));
        java.util.TreeSet<Integer> atZ = new java.util.TreeSet<>();
        for (int c = 0; c < totalColumns; c++) {
            atZ.add(c);
        }
        if (quotientMask >= 0) {
            next.add(globalAux(quotientMask));
            next.add(globalAux(quotientMask + 1));
            atZ.remove(globalAux(quotientMask));
            atZ.remove(globalAux(quotientMask + 1));
        }
        return new int[][] {atZ.stream().mapToInt(Integer::intValue).toArray(),
                next.stream().mapToInt(Integer::intValue).toArray()};
    }

    /** Number of gate constraints plus the aux constraints: first, last, running sum, one per group. */
    int numConstraints() {
        return cs.gates().size() + 3 + groups.size();
    }

    /** The commitment scheme's parameters for this trace size, from the preset. */
    FriConfig friConfig() {
        return new FriConfig(logN, params.logBlowup(), params.numQueries(), params.grindingBits(),
                params.logFoldingArity(), params.logFinalPolyLen(), params.zeroKnowledge());
    }

    /**
     * The commitment scheme; randomness (for leaf salts) is needed only by a prover with zero knowledge on. This is
     * the one place where the argument chooses its scheme; everything else sees {@link Pcs}.
     */
    Pcs pcs(IntFunction<byte[]> randomness) {
        return Pcs.fri(friConfig(), randomness);
    }

    /** As {@link #pcs(IntFunction)} for a prover that can be cancelled inside its NTTs. */
    Pcs pcs(IntFunction<byte[]> randomness, dev.zkscope.poly.Cancel cancel) {
        return Pcs.fri(friConfig(), randomness, cancel);
    }

    /** The trees in a proof, in commitment order: every tree but the committed-columns one when that is empty. */
    int[] openedTrees() {
        return IntStream.range(0, TREES).filter(this::present).toArray();
    }

    /** The commitments a proof opens, in {@link #openedTrees()} order (roots indexed by tree; fixed from the key). */
    List<Pcs.Commitment> commitments(byte[] fixedRoot, byte[][] roots) {
        List<Pcs.Commitment> out = new ArrayList<>();
        for (int t : openedTrees()) {
            out.add(new Pcs.Commitment(t == FIXED ? fixedRoot : roots[t], widths[t], t == FIXED));
        }
        return out;
    }

    /** Challenges drawn after the advice commitment. */
    record Challenges(Fp2 betaL, Fp2 gammaL, Fp2 betaP, Fp2 gammaP) { }

    /**
     * A block of F_p2 values as two arrays (real and X parts), the prover's hot-loop representation. A null X part
     * marks a block of base-field values, which the operations below multiply at half the cost.
     */
    record ExtBlock(long[] re, long[] im) {
        static ExtBlock of(Fp2 v) {
            return new ExtBlock(new long[] {v.c0()}, new long[] {v.c1()});
        }

        static ExtBlock base(long[] re) {
            return new ExtBlock(re, null);
        }
    }

    /**
     * The aux constraints on a block of points, in order: first * Z, last * Z, active * (Z' - Z - sum h), then per
     * group active * (h prod d - sum n prod others); constraint j is multiplied by alphas[j] and added into acc.
     * The single definition used by the prover (on blocks of the quotient domain) and by the verifier (a block of
     * one point: the out-of-domain point).
     */
    void auxConstraints(Challenges ch, int len, ExtBlock activeV, ExtBlock firstV, ExtBlock lastV, ExtBlock z,
                        ExtBlock zNext, ExtBlock[] h, ExtBlock[] nums, ExtBlock[][] tuples, Fp2[] alphas,
                        long[] accR, long[] accI) {
        long[] tr = new long[len];
        long[] ti = new long[len];
        mul(firstV, z, tr, ti, len);
        accumulate(alphas[0], tr, ti, accR, accI, len);
        mul(lastV, z, tr, ti, len);
        accumulate(alphas[1], tr, ti, accR, accI, len);
        for (int i = 0; i < len; i++) {
            long sr = Goldilocks.sub(zNext.re()[i], z.re()[i]);
            long si = Goldilocks.sub(im(zNext, i), im(z, i));
            for (ExtBlock hg : h) {
                sr = Goldilocks.sub(sr, hg.re()[i]);
                si = Goldilocks.sub(si, im(hg, i));
            }
            tr[i] = sr;
            ti[i] = si;
        }
        mul(activeV, new ExtBlock(tr, ti), tr, ti, len);
        accumulate(alphas[2], tr, ti, accR, accI, len);
        ExtBlock[] d = new ExtBlock[fractions.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = denominators(ch, fractions.get(k).perm(), tuples[k], len);
        }
        // Per group: P = prod_k d_k and S = sum_k n_k prod_{l != k} d_l, built left to right as S' = S d_j + n_j P,
        // P' = P d_j (3 block products per fraction after the first, where the sum over k of the products of the others
        // took k(k - 1)). The field values are the same, so the quotient and the proof are the same bytes.
        long[] pr = new long[len];
        long[] pi = new long[len];
        long[] sr = new long[len];
        long[] si = new long[len];
        long[] er = new long[len];
        long[] ei = new long[len];
        for (int g = 0; g < groups.size(); g++) {
            List<Integer> grp = groups.get(g);
            int k0 = grp.get(0);
            System.arraycopy(d[k0].re(), 0, pr, 0, len);
            System.arraycopy(d[k0].im(), 0, pi, 0, len);
            ExtBlock sum = nums[k0];
            for (int j = 1; j < grp.size(); j++) {
                int k = grp.get(j);
                mul(sum, d[k], sr, si, len);
                mul(nums[k], new ExtBlock(pr, pi), er, ei, len);
                for (int i = 0; i < len; i++) {
                    sr[i] = Goldilocks.add(sr[i], er[i]);
                    si[i] = Goldilocks.add(si[i], ei[i]);
                }
                sum = new ExtBlock(sr, si);
                mul(new ExtBlock(pr, pi), d[k], pr, pi, len);
            }
            mul(h[g], new ExtBlock(pr, pi), tr, ti, len);
            long[] sumR = sum.re();
            long[] sumI = sum.im();
            for (int i = 0; i < len; i++) {
                tr[i] = Goldilocks.sub(tr[i], sumR[i]);
                ti[i] = sumI == null ? ti[i] : Goldilocks.sub(ti[i], sumI[i]);
            }
            mul(activeV, new ExtBlock(tr, ti), tr, ti, len);
            accumulate(alphas[3 + g], tr, ti, accR, accI, len);
        }
    }

    private static long im(ExtBlock b, int i) {
        return b.im() == null ? 0 : b.im()[i];
    }

    /** out = a * b on a block (out may alias a or b); base blocks cost 2 or 1 multiplications instead of 4. */
    private static void mul(ExtBlock a, ExtBlock b, long[] outR, long[] outI, int len) {
        long[] ar = a.re(), ai = a.im(), br = b.re(), bi = b.im();
        if (ai == null && bi == null) {
            for (int i = 0; i < len; i++) {
                outR[i] = Goldilocks.mul(ar[i], br[i]);
                outI[i] = 0;
            }
            return;
        }
        if (ai == null) {
            for (int i = 0; i < len; i++) {
                long s = ar[i];
                outR[i] = Goldilocks.mul(s, br[i]);
                outI[i] = Goldilocks.mul(s, bi[i]);
            }
            return;
        }
        if (bi == null) {
            for (int i = 0; i < len; i++) {
                long s = br[i];
                outR[i] = Goldilocks.mul(ar[i], s);
                outI[i] = Goldilocks.mul(ai[i], s);
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            long a0 = ar[i], a1 = ai[i], b0 = br[i], b1 = bi[i];
            long v0 = Goldilocks.mul(a0, b0);
            long v1 = Goldilocks.mul(a1, b1);
            outR[i] = Goldilocks.add(v0, timesW(v1));
            outI[i] = cross(a0, a1, b0, b1, v0, v1);
        }
    }

    static {
        if (Fp2.W != 7) {
            throw new AssertionError("ArgumentLayout.timesW assumes the non-residue 7");
        }
    }

    /** W v for the extension's non-residue W = 7, as 8 v - v (no multiplication). */
    private static long timesW(long v) {
        return Goldilocks.sub(Goldilocks.mulByPow2(v, 3), v);
    }

    /**
     * The X part of (a0 + a1 X)(b0 + b1 X) by Karatsuba, given v0 = a0 b0 and v1 = a1 b1 (the constant part is
     * v0 + W v1): (a0 + a1)(b0 + b1) - v0 - v1, one multiplication where the schoolbook form takes two.
     */
    private static long cross(long a0, long a1, long b0, long b1, long v0, long v1) {
        return Goldilocks.sub(Goldilocks.sub(Goldilocks.mul(Goldilocks.add(a0, a1), Goldilocks.add(b0, b1)), v0), v1);
    }

    private static void accumulate(Fp2 alpha, long[] tr, long[] ti, long[] accR, long[] accI, int len) {
        long a0 = alpha.c0(), a1 = alpha.c1();
        long a01 = Goldilocks.add(a0, a1);
        for (int i = 0; i < len; i++) {
            long t0 = tr[i], t1 = ti[i];
            long v0 = Goldilocks.mul(a0, t0);
            long v1 = Goldilocks.mul(a1, t1);
            long x = Goldilocks.sub(Goldilocks.sub(Goldilocks.mul(a01, Goldilocks.add(t0, t1)), v0), v1);
            accR[i] = Goldilocks.add(accR[i], Goldilocks.add(v0, timesW(v1)));
            accI[i] = Goldilocks.add(accI[i], x);
        }
    }

    /** beta - sum_i gamma^i tuple_i on a block (Horner from the last component). */
    private static ExtBlock denominators(Challenges ch, boolean perm, ExtBlock[] tuple, int len) {
        Fp2 beta = perm ? ch.betaP() : ch.betaL();
        Fp2 gamma = perm ? ch.gammaP() : ch.gammaL();
        long g0 = gamma.c0(), g1 = gamma.c1();
        long[] r = new long[len];
        long[] m = new long[len];
        boolean allBase = true;
        for (ExtBlock t : tuple) {
            allBase &= t.im() == null;
        }
        if (allBase) {
            // sum gamma^t tuple_t with base-field components: two multiplications per component.
            Fp2 gp = Fp2.ONE;
            java.util.Arrays.fill(r, 0, len, beta.c0());
            java.util.Arrays.fill(m, 0, len, beta.c1());
            for (ExtBlock t : tuple) {
                long p0 = gp.c0(), p1 = gp.c1();
                long[] tv = t.re();
                for (int i = 0; i < len; i++) {
                    r[i] = Goldilocks.sub(r[i], Goldilocks.mul(p0, tv[i]));
                    m[i] = Goldilocks.sub(m[i], Goldilocks.mul(p1, tv[i]));
                }
                gp = gp.mul(gamma);
            }
            return new ExtBlock(r, m);
        }
        for (int i = 0; i < len; i++) {
            long a0 = 0, a1 = 0;
            for (int t = tuple.length - 1; t >= 0; t--) {
                long n0 = Goldilocks.add(Fp2.mul0(a0, a1, g0, g1), tuple[t].re()[i]);
                a1 = Goldilocks.add(Fp2.mul1(a0, a1, g0, g1), im(tuple[t], i));
                a0 = n0;
            }
            r[i] = Goldilocks.sub(beta.c0(), a0);
            m[i] = Goldilocks.sub(beta.c1(), a1);
        }
        return new ExtBlock(r, m);
    }

}
