package dev.zkscope.plonk;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ArgumentLayout#auxConstraints} (block products by Karatsuba, each group's sum of numerators times the other
 * denominators built left to right) against the aux constraints written out point by point with {@link Fp2}
 * objects: first Z, last Z, active (Z' - Z - sum h), and per group active (h prod d - sum_k n_k prod_{l != k} d_l)
 * with d_k = beta - sum_t gamma^t tuple_t, each times its alpha and added to the accumulator. The prover and the
 * verifier share the block code, so a wrong constraint would not show as a rejected proof: it is checked here.
 */
class AuxConstraintsTest {
    @Test
    void blocks_equalPointwiseFormula_baseAndExtensionInputs() {
        for (long seed = 1; seed <= 4; seed++) {
            TestCircuits.Instance inst = TestCircuits.random(seed, 8, ProofParameters.testing().reservedRows());
            ArgumentLayout lay = new ArgumentLayout(ConstraintSystem.of(inst.circuit()), ProofParameters.testing());
            int largest = 0;
            for (List<Integer> g : lay.groups) {
                largest = Math.max(largest, g.size());
            }
            assertThat(largest).as("a group of several fractions exercises the products").isGreaterThanOrEqualTo(2);
            for (boolean baseInputs : new boolean[] {true, false}) {
                check(lay, new SplittableRandom(seed * 31 + (baseInputs ? 1 : 0)), 37, baseInputs);
            }
        }
    }

    private static void check(ArgumentLayout lay, SplittableRandom rnd, int len, boolean baseInputs) {
        ArgumentLayout.Challenges ch = new ArgumentLayout.Challenges(ext(rnd), ext(rnd), ext(rnd), ext(rnd));
        int groups = lay.groups.size();
        int nf = lay.fractions.size();
        ArgumentLayout.ExtBlock active = block(rnd, len, baseInputs);
        ArgumentLayout.ExtBlock first = block(rnd, len, baseInputs);
        ArgumentLayout.ExtBlock last = block(rnd, len, baseInputs);
        ArgumentLayout.ExtBlock z = block(rnd, len, false);
        ArgumentLayout.ExtBlock zn = block(rnd, len, false);
        ArgumentLayout.ExtBlock[] h = new ArgumentLayout.ExtBlock[groups];
        for (int g = 0; g < groups; g++) {
            h[g] = block(rnd, len, false);
        }
        ArgumentLayout.ExtBlock[] nums = new ArgumentLayout.ExtBlock[nf];
        ArgumentLayout.ExtBlock[][] tuples = new ArgumentLayout.ExtBlock[nf][];
        for (int k = 0; k < nf; k++) {
            nums[k] = block(rnd, len, baseInputs);
            tuples[k] = new ArgumentLayout.ExtBlock[lay.fractions.get(k).tuple().size()];
            for (int t = 0; t < tuples[k].length; t++) {
                tuples[k][t] = block(rnd, len, baseInputs);
            }
        }
        Fp2[] alphas = new Fp2[3 + groups];
        for (int j = 0; j < alphas.length; j++) {
            alphas[j] = ext(rnd);
        }
        long[] accR = new long[len];
        long[] accI = new long[len];
        for (int i = 0; i < len; i++) {
            accR[i] = Goldilocks.reduce(rnd.nextLong());
            accI[i] = Goldilocks.reduce(rnd.nextLong());
        }
        long[] startR = accR.clone();
        long[] startI = accI.clone();
        lay.auxConstraints(ch, len, active, first, last, z, zn, h, nums, tuples, alphas, accR, accI);
        for (int i = 0; i < len; i++) {
            Fp2 act = at(active, i);
            Fp2 zi = at(z, i);
            Fp2[] c = new Fp2[3 + groups];
            c[0] = at(first, i).mul(zi);
            c[1] = at(last, i).mul(zi);
            Fp2 step = at(zn, i).sub(zi);
            for (ArgumentLayout.ExtBlock hg : h) {
                step = step.sub(at(hg, i));
            }
            c[2] = act.mul(step);
            Fp2[] d = new Fp2[nf];
            for (int k = 0; k < nf; k++) {
                boolean perm = lay.fractions.get(k).perm();
                Fp2 beta = perm ? ch.betaP() : ch.betaL();
                Fp2 gamma = perm ? ch.gammaP() : ch.gammaL();
                Fp2 s = Fp2.ZERO;
                Fp2 gp = Fp2.ONE;
                for (ArgumentLayout.ExtBlock t : tuples[k]) {
                    s = s.add(gp.mul(at(t, i)));
                    gp = gp.mul(gamma);
                }
                d[k] = beta.sub(s);
            }
            for (int g = 0; g < groups; g++) {
                List<Integer> grp = lay.groups.get(g);
                Fp2 prod = Fp2.ONE;
                Fp2 sum = Fp2.ZERO;
                for (int k : grp) {
                    prod = prod.mul(d[k]);
                    Fp2 term = at(nums[k], i);
                    for (int l : grp) {
                        if (l != k) {
                            term = term.mul(d[l]);
                        }
                    }
                    sum = sum.add(term);
                }
                c[3 + g] = act.mul(at(h[g], i).mul(prod).sub(sum));
            }
            Fp2 want = new Fp2(startR[i], startI[i]);
            for (int j = 0; j < c.length; j++) {
                want = want.add(alphas[j].mul(c[j]));
            }
            assertThat(new Fp2(accR[i], accI[i])).as("point %d (base inputs %s)", i, baseInputs).isEqualTo(want);
        }
    }

    private static Fp2 ext(SplittableRandom rnd) {
        return new Fp2(Goldilocks.reduce(rnd.nextLong()), Goldilocks.reduce(rnd.nextLong()));
    }

    private static ArgumentLayout.ExtBlock block(SplittableRandom rnd, int len, boolean base) {
        long[] re = new long[len];
        long[] im = base ? null : new long[len];
        for (int i = 0; i < len; i++) {
            re[i] = Goldilocks.reduce(rnd.nextLong());
            if (!base) {
                im[i] = Goldilocks.reduce(rnd.nextLong());
            }
        }
        return new ArgumentLayout.ExtBlock(re, im);
    }

    private static Fp2 at(ArgumentLayout.ExtBlock b, int i) {
        return new Fp2(b.re()[i], b.im() == null ? 0 : b.im()[i]);
    }
}
