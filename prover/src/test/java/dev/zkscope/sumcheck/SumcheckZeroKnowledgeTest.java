package dev.zkscope.sumcheck;

import dev.zkscope.compile.SampleModels;
import dev.zkscope.field.Fp2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zero knowledge of the sumcheck backend's proofs, attacked the way the Plonkish backend's audit tests attack its
 * proofs: a distinguisher that knows two candidate inputs with the same output recomputes, from the public proof
 * alone, every claim the verifier checks on the witness commitment and asks which candidate's witness satisfies it.
 * On proofs without masks (the positive control) it names the right input every time; on zero-knowledge proofs no
 * claim that involves private data holds on either candidate's unmasked witness, and both inputs' proofs look the
 * same to it. Every proof is also masked afresh.
 */
class SumcheckZeroKnowledgeTest {
    static final PcsParams ZK = PcsParams.testing();
    static final PcsParams PLAIN = PcsParams.testing().withZeroKnowledge(false);

    static SumcheckBackend.Keys keys;
    static SumcheckBackend.Keys plainKeys;
    static long[] a;
    static long[] b;

    /** Two inputs of mlp that differ but give the same quantized output (found by a search over one-step changes). */
    @BeforeAll
    static void twoInputsWithOneOutput() throws Exception {
        SampleModels.Sample s = SampleModels.load("mlp");
        keys = SumcheckBackend.keygen(SampleModels.lowered(s), ZK, new Random(1));
        plainKeys = SumcheckBackend.keygen(SampleModels.lowered(s), PLAIN, new Random(1));
        // sample input 1 with its first element one step lower: the first layer's rescale absorbs the change
        a = s.quantizedInput(1);
        b = a.clone();
        b[0] -= 1;
        int o = keys.model().outputTensors().get(0);
        assertThat(keys.model().evaluate(b)[o]).containsExactly(keys.model().evaluate(a)[o]);
        assertThat(keys.model().evaluate(b)[0]).isNotEqualTo(keys.model().evaluate(a)[0]);
    }

    /** The unmasked witness segments of an input (what the distinguisher computes for a candidate). */
    static long[][] witness(SumcheckBackend.Keys k, long[] input) {
        long[][] t = k.model().evaluate(input);
        return SumcheckBackend.segments(k.plan, t, SumcheckBackend.tables(k.plan, t));
    }

    /** The claim's data part evaluated on a candidate's segments (mask slots read as zero). */
    static Fp2 dataPart(Plan plan, Zk.Claim c, long[][] seg) {
        Fp2 acc = Fp2.ZERO;
        for (Zk.Term t : c.terms()) {
            long[] v = seg[t.seg()];
            if (t.point() == null) {
                long s = 0;
                for (long x : v) {
                    s = dev.zkscope.field.Goldilocks.add(s, x);
                }
                acc = acc.add(t.coef().mul(s));
            } else {
                acc = acc.add(t.coef().mul(Mle.evaluateBase(v, t.point())));
            }
        }
        return acc;
    }

    /** Indices of the W claims that hold on a candidate's unmasked witness, among the claims on private data. */
    static List<Integer> holding(SumcheckBackend.Keys k, SumcheckBackend.Proved pr, long[][] seg) throws Exception {
        Zk view = SumcheckBackend.verifyView(k, pr.output(), pr.proof());
        List<Zk.Claim> claims = view.claims.get(0);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            Zk.Claim c = claims.get(i);
            if (!c.terms().isEmpty() && dataPart(k.plan, c, seg).equals(c.value())) {
                out.add(i);
            }
        }
        return out;
    }

    /** Claims with no mask slot: identities with a public value (rescales), true for every valid witness. */
    static int maskFree(SumcheckBackend.Keys k, SumcheckBackend.Proved pr) throws Exception {
        int n = 0;
        for (Zk.Claim c : SumcheckBackend.verifyView(k, pr.output(), pr.proof()).claims.get(0)) {
            if (!c.terms().isEmpty() && c.slots().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /** Positive control: without masks every claim is an unmasked evaluation, and it names the input. */
    @Test
    void withoutMasks_theClaimsNameTheInput() throws Exception {
        long[][] wa = witness(plainKeys, a);
        long[][] wb = witness(plainKeys, b);
        for (int i = 0; i < 3; i++) {
            SumcheckBackend.Proved pa = SumcheckBackend.prove(plainKeys, a, new Random(10 + i));
            SumcheckBackend.Proved pb = SumcheckBackend.prove(plainKeys, b, new Random(20 + i));
            int total = SumcheckBackend.verifyView(plainKeys, pa.output(), pa.proof()).claims.get(0).size();
            assertThat(holding(plainKeys, pa, wa)).hasSizeGreaterThan(total / 2);
            // a's witness satisfies more of a's claims than of b's: the distinguisher wins
            assertThat(holding(plainKeys, pa, wa).size()).isGreaterThan(holding(plainKeys, pb, wa).size());
            assertThat(holding(plainKeys, pb, wb).size()).isGreaterThan(holding(plainKeys, pa, wb).size());
        }
    }

    /**
     * With masks no claim on private data is an unmasked evaluation: the only claims that hold on a candidate's
     * witness are the mask-free identities (rescales, with public values), the same for either input's proof.
     */
    @Test
    void withMasks_noClaimIsAnUnmaskedEvaluation_andBothInputsLookTheSame() throws Exception {
        long[][] wa = witness(keys, a);
        long[][] wb = witness(keys, b);
        for (int i = 0; i < 3; i++) {
            SumcheckBackend.Proved pa = SumcheckBackend.prove(keys, a, new Random(30 + i));
            SumcheckBackend.Proved pb = SumcheckBackend.prove(keys, b, new Random(40 + i));
            assertThat(pa.output()).containsExactly(pb.output());
            int free = maskFree(keys, pa);
            assertThat(free).isEqualTo(maskFree(keys, pb));
            for (SumcheckBackend.Proved p : List.of(pa, pb)) {
                assertThat(holding(keys, p, wa)).hasSize(free);
                assertThat(holding(keys, p, wb)).hasSize(free);
            }
            assertThat(pa.proof().length).isEqualTo(pb.proof().length);
        }
    }

    /** Every proof is masked afresh: two proofs of one input share no field element beyond the header and shape. */
    @Test
    void everyProofIsMaskedAfresh() throws Exception {
        SumcheckBackend.Proved p1 = SumcheckBackend.prove(keys, a, new Random(50));
        SumcheckBackend.Proved p2 = SumcheckBackend.prove(keys, a, new Random(51));
        assertThat(p1.proof().length).isEqualTo(p2.proof().length);
        List<Fp2> c1 = values(keys, p1);
        List<Fp2> c2 = values(keys, p2);
        assertThat(c1).hasSameSizeAs(c2);
        int same = 0;
        for (int i = 0; i < c1.size(); i++) {
            if (c1.get(i).equals(c2.get(i))) {
                same++;
            }
        }
        // only public values can repeat (a rescale identity by d = 1 has value 0), never a masked one
        assertThat(same).isLessThanOrEqualTo(maskFree(keys, p1));
    }

    /**
     * The distribution check of the Plonkish audit: the masked values a proof reveals about private data (the claimed
     * values on W) are uniform: over proofs of two inputs with the same output, the top bit of their first coordinate
     * is 1 about half the time for each input, and the two inputs' frequencies agree.
     */
    @Test
    void revealedValues_areUniformForBothInputs() throws Exception {
        int[] ones = new int[2];
        int[] total = new int[2];
        for (int i = 0; i < 6; i++) {
            for (int side = 0; side < 2; side++) {
                SumcheckBackend.Proved p = SumcheckBackend.prove(keys, side == 0 ? a : b, new Random(60 + 2 * i + side));
                for (Zk.Claim c : SumcheckBackend.verifyView(keys, p.output(), p.proof()).claims.get(0)) {
                    if (!c.slots().isEmpty()) {
                        total[side]++;
                        if (Long.compareUnsigned(c.value().c0(), Long.divideUnsigned(-4294967295L, 2)) >= 0) {
                            ones[side]++;
                        }
                    }
                }
            }
        }
        for (int side = 0; side < 2; side++) {
            double f = ones[side] / (double) total[side];
            double sd = Math.sqrt(0.25 / total[side]);
            assertThat(Math.abs(f - 0.5)).as("input %d: %d of %d", side, ones[side], total[side]).isLessThan(5 * sd);
        }
        assertThat(total[0]).isEqualTo(total[1]);
    }

    /** Values of every W claim in a proof, in the verifier's order. */
    static List<Fp2> values(SumcheckBackend.Keys k, SumcheckBackend.Proved p) throws Exception {
        List<Fp2> v = new ArrayList<>();
        for (Zk.Claim c : SumcheckBackend.verifyView(k, p.output(), p.proof()).claims.get(0)) {
            if (!c.terms().isEmpty()) {
                v.add(c.value());
            }
        }
        return v;
    }

    /** A cheating prover (an activation, the input, a remainder's source changed after evaluation) is rejected. */
    @Test
    void aWrongWitnessProvedHonestly_isRejected() throws Exception {
        Plan plan = keys.plan;
        for (int t = 0; t < plan.tensorCount; t++) {
            if (plan.alias[t] != t || plan.layouts[t] == null || plan.roles[t] != Plan.Role.COMMITTED) {
                continue;
            }
            int tensor = t;
            SumcheckBackend.Proved p;
            try {
                p = SumcheckBackend.prove(keys, a, new Random(70 + t), ts -> ts[tensor][0] += 1);
            } catch (IllegalArgumentException e) {
                continue; // the edit left the range the key was built for: the prover refuses
            }
            assertThat(SumcheckBackendTest.rejects(keys, p.output(), p.proof())).as("tensor %d edited", t).isTrue();
        }
    }

    /**
     * The ported layers (Clip, MaxPool, Concat, products of two activations, function tables, depthwise convolution): with masks no claim on private data
     * holds on the honest unmasked witness except the mask-free identities; without masks (positive control) many do.
     */
    @Test
    void portedLayers_noClaimIsAnUnmaskedEvaluation() throws Exception {
        for (dev.zkscope.compile.model.QModel m : List.of(SumcheckLayersTest.clip(), SumcheckLayersTest.maxPool(),
                SumcheckLayersTest.concat(), SumcheckLayersTest.product(), SumcheckLayersTest.table(),
                SumcheckLayersTest.depthwise())) {
            long[] in = SumcheckLayersTest.input(m.inputSize(), 5, 100);
            SumcheckBackend.Keys zk = SumcheckBackend.keygen(m, ZK, new Random(1));
            SumcheckBackend.Keys plain = SumcheckBackend.keygen(m, PLAIN, new Random(1));
            long[][] w = witness(zk, in);
            for (int i = 0; i < 2; i++) {
                SumcheckBackend.Proved p = SumcheckBackend.prove(zk, in, new Random(50 + i));
                assertThat(holding(zk, p, w)).as(m.name()).hasSize(maskFree(zk, p));
            }
            SumcheckBackend.Proved p = SumcheckBackend.prove(plain, in, new Random(60));
            assertThat(holding(plain, p, witness(plain, in)).size()).as(m.name() + " without masks")
                    .isGreaterThan(maskFree(plain, p));
        }
    }
}
