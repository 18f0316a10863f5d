package dev.zkscope.sumcheck;

import dev.zkscope.security.SecurityAnalysis;
import dev.zkscope.security.SecurityAnalysis.Regime;
import dev.zkscope.security.SecurityAnalysis.Term;

import java.util.ArrayList;
import java.util.List;

/**
 * The soundness of the sumcheck backend's proofs of one model under one preset, in the same two figures and classes as
 * the Plonkish backend's {@link SecurityAnalysis}: <b>conjectured</b> (the commitment's column test at the
 * up-to-capacity conjecture) and <b>provable</b> (the proved proximity bound of the interleaved Reed-Solomon test),
 * each the -log2 of a union bound over the terms below. Every algebraic term is a Schwartz-Zippel bound over
 * |F_p2| = p^2; the terms follow the proof's order (docs/sumcheck.md, docs/sumcheck-zk.md):
 * <ul>
 *   <li><b>sumchecks</b>: every sumcheck of m rounds of degree d errs with probability at most m d / |F| (Lund et al.;
 *   the degree is the masked one when the sumcheck is zero-knowledge, {@link ZkSumcheck#degree}), plus 1 / |F| for the
 *   mask's rho in the zero-knowledge form;</li>
 *   <li><b>LogUp-GKR</b> (Papini and Haböck, eprint 2023/1284): per layer the lambda and mu challenges, 2 / |F|, and
 *   the LogUp identity itself, 2 N / |F| for N leaves (a nonzero sum of N fractions in beta has a numerator of degree
 *   below N; a denominator vanishes for at most N betas);</li>
 *   <li><b>random evaluations</b>: each rescale identity checked at a random point of m coordinates, m / |F|; each
 *   ReLU zero-check's tau, m / |F|, and its three identities combined by random alphas, 2 / |F|;</li>
 *   <li><b>commitment</b> ({@link PcsParams}): per opening, the random row combination (N_code / |F|) and the column
 *   test: rate^t 2^-g conjectured, (1 - delta/3)^t 2^-g provable (Ligero, Ames et al. CCS 2017; Brakedown, Golovnev
 *   et al. CRYPTO 2023);</li>
 *   <li><b>hash</b>: Merkle binding and Fiat-Shamir through SHA-256, 128 bits (collisions). The Fiat-Shamir transform
 *   of a multi-round protocol is counted as its interactive error (round-by-round soundness of sumcheck protocols,
 *   Canetti et al. STOC 2019), as the Plonkish figures do.</li>
 * </ul>
 *
 * @param zeroKnowledge whether the backend's proofs are zero-knowledge, and {@code zkNote} what is and is not hidden
 */
public record SumcheckSecurity(String preset, Regime conjectured, Regime provable, boolean zeroKnowledge, String zkNote) {

    /** The backend's zero-knowledge status: what its proofs hide today (docs/sumcheck-zk.md). */
    public static final String ZK_NOTE = "zero-knowledge (honest verifier, statistical): every sumcheck masked, every "
            + "claim on W and the lookup helpers opened by one batched hiding opening, the input private; weights are "
            + "fixed in the key (their evaluations are not hidden, as the Plonkish backend's fixed columns; "
            + "docs/sumcheck-zk.md)";

    /** The analysis of the proofs a key produces. */
    public static SumcheckSecurity of(SumcheckBackend.Keys keys) {
        return of(keys.plan, keys.params);
    }

    static SumcheckSecurity of(Plan plan, PcsParams p) {
        double f = SecurityAnalysis.FIELD_SIZE;
        List<Term> alg = new ArrayList<>();
        // every step's zero-knowledge sumcheck (masked degree, plus rho) and its random point
        double sc = 0;
        double pts = 0;
        double tableLeaves = 0; // function tables' looked-up and table entries (their LogUp identities)
        double folds = 0; // (looked-up pair, table pair) combinations a gamma collision could confuse
        int count = 0;
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DotOp d) {
                int m = LinearLayers.stackedVars(plan.layout(d.out()), plan.layout(d.in()));
                sc += 3.0 * m + 1 + 2.0 * d.logK(); // stacked identity (degree 3), then the weights' taps (degree 2)
                pts += plan.layout(d.out()).logSize() + 1; // r, and the selector variable's stacking
                count += 2;
            } else if (op instanceof Plan.MapOp mp) {
                sc += 3.0 * LinearLayers.stackedVars(plan.layout(mp.out()), plan.layout(mp.in())) + 1;
                pts += plan.layout(mp.out()).logSize() + 1;
                count++;
            } else if (op instanceof Plan.LinearOp l) {
                int m = plan.layout(l.out()).logSize();
                sc += 4.0 * m + 1;
                pts += m;
                count++;
            } else if (op instanceof Plan.ReluOp r) {
                int m = plan.layout(r.out()).logSize();
                sc += 5.0 * m + 1;
                pts += m + 3;
                count++;
            } else if (op instanceof Plan.DivOp d) {
                pts += plan.layout(d.out()).logSize();
            } else if (op instanceof GroupedDotOp g) {
                int m = LinearLayers.stackedVars(plan.layout(g.out()), plan.layout(g.in()));
                sc += 3.0 * m + 1 + 2.0 * (g.logC() + g.logK()); // stacked identity, then the (channel, tap) sumcheck
                pts += plan.layout(g.out()).logSize() + 1;
                count += 2;
            } else if (op instanceof TableOp t) {
                int m = plan.layout(t.in()).logSize();
                sc += 5.0 * m + 1 + 4.0 * t.logT() + 1; // h (beta - x - gamma y) = ind, g (beta - t - gamma f) = m
                pts += m + t.logT();
                count += 2;
                tableLeaves += Math.pow(2, m) + Math.pow(2, t.logT());
                folds += Math.pow(2, m) * Math.pow(2, t.logT());
            }
        }
        int logS = plan.logLookupArea;
        sc += 5.0 * logS + 1 + 4.0 * plan.limbBits + 1;
        pts += logS + plan.limbBits;
        count += 2;
        alg.add(term("sumchecks", sc / f, "sum (m d + 1) / |F|",
                count + " zero-knowledge sumchecks (masked degrees, plus the mask's rho), Schwartz-Zippel per round"));
        double n = Math.pow(2, logS) + Math.pow(2, plan.limbBits) + tableLeaves;
        if (folds > 0) {
            alg.add(term("function-table fold", folds / f, "N T / |F|",
                    "gamma folds each looked-up (x, y) and each table pair (a, f(a)); a pair y != f(x) collides with a "
                            + "table pair for at most one gamma"));
        }
        alg.add(term("LogUp", 2.0 * n / f, "2 N / |F|",
                "the log-derivative identity in beta over N = " + (long) n + " looked-up and table values "
                        + "(committed helpers h = 1/(beta - v), g = m/(beta - t))"));
        alg.add(term("random evaluations", pts / f, "sum m / |F|",
                "every step's random point, rescale identities, zero-check points and their alpha combinations"));
        int openings = 2;
        int logH = new SumcheckBackend.Helpers(plan).space.logSize();
        double codeSum = TensorPcs.shape(plan.logW, p).code() + TensorPcs.shape(logH, p).code()
                + 2.0 * (plan.logW + 1) + 2.0 * (logH + 1) + 2.0 * 2; // the batching sumchecks and their c_i
        for (Plan.Op op : plan.ops) {
            if (op instanceof Plan.DotOp d) {
                openings++;
                codeSum += TensorPcs.shape(d.logC() + d.logK(), p).code();
            } else if (op instanceof GroupedDotOp g) {
                openings++;
                codeSum += TensorPcs.shape(g.logC() + g.logK(), p).code();
            }
        }
        alg.add(term("commitment combinations", codeSum / f, "sum N_code / |F|",
                openings + " openings (W and the lookup helpers batched by one sumcheck each); a matrix far from the "
                        + "interleaved code stays far under a random combination"));
        alg.add(new Term("hash", 128, "2^-128", "SHA-256 collisions: Merkle binding and the Fiat-Shamir transcript"));
        double algErr = 0;
        for (Term t : alg) {
            algErr += t.error();
        }
        Term conjQ = new Term("column test", p.conjecturedBits(), "rate^t 2^-g",
                p.queries() + " columns at rate at most 9/" + (8 << p.logBlowup()) + " (up-to-capacity conjecture), "
                        + p.grindingBits()
                        + " grinding bits");
        Term provQ = new Term("column test", p.provableBits(), "(1 - delta/3)^t 2^-g",
                p.queries() + " columns, proximity parameter delta/3 = " + String.format(java.util.Locale.ROOT, "%.3f",
                        p.distance() / 3) + " (Ligero/Brakedown), " + p.grindingBits() + " grinding bits");
        List<Term> conj = new ArrayList<>(alg);
        conj.add(conjQ);
        List<Term> prov = new ArrayList<>(alg);
        prov.add(provQ);
        double conjBits = -log2(algErr + conjQ.error());
        double provBits = -log2(algErr + provQ.error());
        return new SumcheckSecurity(p.name(),
                new Regime("conjectured", conjBits, conj, "column test at the up-to-capacity conjecture"),
                new Regime("provable", provBits, prov, "proved proximity bound of the interleaved test (e = delta/3)"),
                p.zk(), p.zk() ? ZK_NOTE : "NOT zero-knowledge: masks off (--no-zk)");
    }

    private static Term term(String name, double err, String formula, String why) {
        return new Term(name, -log2(err), formula, why);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    public double conjecturedBits() {
        return conjectured.bits();
    }

    public double provableBits() {
        return provable.bits();
    }

    /**
     * "conjectured 106.9 bits, provable 58.3 bits (weakest terms: LogUp / column test); zero-knowledge": both figures,
     * the term that decides each, and what the proofs hide.
     */
    public String summary() {
        return "conjectured " + SecurityAnalysis.format(conjecturedBits()) + " bits, provable "
                + SecurityAnalysis.format(provableBits()) + " bits (weakest terms: " + conjectured.weakest().name()
                + " / " + provable.weakest().name() + "); " + (zeroKnowledge ? "zero-knowledge" : zkNote);
    }

    /** Every term of both regimes, one per line, for the CLI. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Regime r : List.of(conjectured, provable)) {
            b.append(r.name()).append(": ").append(SecurityAnalysis.format(r.bits())).append(" bits (").append(r.note())
                    .append(")\n");
            for (Term t : r.terms()) {
                b.append(String.format(java.util.Locale.ROOT, "  %-24s %7s bits  %-22s %s%n", t.name(),
                        SecurityAnalysis.format(t.bits()), t.formula(), t.explanation()));
            }
        }
        b.append("zero knowledge: ").append(zeroKnowledge ? "yes" : zkNote).append('\n');
        return b.toString();
    }
}
