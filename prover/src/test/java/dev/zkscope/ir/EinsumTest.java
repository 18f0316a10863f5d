package dev.zkscope.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Einsum's planned kernel against the definition (a loop over every assignment of every label, summing products), in
 * doubles and exactly on integers, for matmul-like, batched, attention, transposing and reducing equations with seeded
 * random sizes.
 */
class EinsumTest {
    private static final String[] EQUATIONS = {"ij,jk->ik", "ij,jk", "bij,bjk->bik", "bhqd,bhkd->bhqk", "bhqk,bhkd->bhqd",
        "ij->ji", "ij->i", "ijk->kj", "i,i->", "i,j->ij", "ij,j->i", "bij,jk->bki", "ijk,kl->jl", "ab,cb->ca"};

    @TestFactory
    Stream<DynamicTest> einsum_matchesDefinition() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String eq : EQUATIONS) {
            for (int seed = 0; seed < 4; seed++) {
                long s = seed * 31L + eq.hashCode();
                tests.add(DynamicTest.dynamicTest(eq + " seed " + s, () -> check(eq, new SplittableRandom(s))));
            }
        }
        return tests.stream();
    }

    private static void check(String eq, SplittableRandom r) {
        String[] ins = eq.split("->")[0].split(",");
        int[] size = new int[128];
        for (char c = 'a'; c <= 'z'; c++) {
            size[c] = 1 + r.nextInt(5);
        }
        List<int[]> shapes = new ArrayList<>();
        List<double[]> dv = new ArrayList<>();
        List<long[]> lv = new ArrayList<>();
        for (String s : ins) {
            int[] shape = new int[s.length()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = size[s.charAt(i)];
            }
            shapes.add(shape);
            int n = Tensor.checkedSize(shape);
            long[] l = new long[n];
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                l[i] = r.nextLong(-1000, 1000);
                d[i] = l[i] / 7.0;
            }
            lv.add(l);
            dv.add(d);
        }
        Einsum e = Einsum.plan(eq, shapes);
        String out = eq.contains("->") ? eq.split("->", -1)[1] : implicit(ins);
        double[] want = reference(ins, out, size, dv);
        double[] got = e.apply(dv);
        assertThat(e.outputShape()).hasSize(out.length());
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-9 * (1 + Math.abs(want[i]))));
        }
        long[] exact = e.applyExact(lv);
        List<double[]> asD = new ArrayList<>();
        for (long[] l : lv) {
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                d[i] = l[i];
            }
            asD.add(d);
        }
        double[] wantExact = reference(ins, out, size, asD);
        for (int i = 0; i < wantExact.length; i++) {
            assertThat(exact[i]).isEqualTo((long) wantExact[i]);
        }
    }

    private static String implicit(String[] ins) {
        StringBuilder b = new StringBuilder();
        String all = String.join("", ins);
        for (char c = 'a'; c <= 'z'; c++) {
            if (all.indexOf(c) >= 0 && all.indexOf(c) == all.lastIndexOf(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The definition: for every assignment of all labels, out[out labels] += prod of operands[their labels]. */
    private static double[] reference(String[] ins, String out, int[] size, List<double[]> ops) {
        String labels = "";
        for (String s : ins) {
            for (char c : s.toCharArray()) {
                if (labels.indexOf(c) < 0) {
                    labels += c;
                }
            }
        }
        int outSize = 1;
        for (char c : out.toCharArray()) {
            outSize *= size[c];
        }
        double[] res = new double[outSize];
        int[] val = new int[128];
        int total = 1;
        for (char c : labels.toCharArray()) {
            total *= size[c];
        }
        for (int t = 0; t < total; t++) {
            int rem = t;
            for (int i = labels.length() - 1; i >= 0; i--) {
                char c = labels.charAt(i);
                val[c] = rem % size[c];
                rem /= size[c];
            }
            double p = 1;
            for (int o = 0; o < ins.length; o++) {
                p *= ops.get(o)[flat(ins[o], val, size)];
            }
            res[flat(out, val, size)] += p;
        }
        return res;
    }

    private static int flat(String labels, int[] val, int[] size) {
        int f = 0;
        for (char c : labels.toCharArray()) {
            f = f * size[c] + val[c];
        }
        return f;
    }

    @Test
    void einsum_refusesWhatItDoesNotSupport() {
        assertThatThrownBy(() -> Einsum.plan("...ij,jk->...ik", List.of(new int[] {2, 3}, new int[] {3, 4})))
                .hasMessageContaining("ellipses");
        assertThatThrownBy(() -> Einsum.plan("ii->i", List.of(new int[] {3, 3}))).hasMessageContaining("diagonal");
        assertThatThrownBy(() -> Einsum.plan("ij,jk->ik", List.of(new int[] {2, 3}, new int[] {4, 5})))
                .hasMessageContaining("sizes 3 and 4");
        assertThatThrownBy(() -> Einsum.plan("ij,jk->iz", List.of(new int[] {2, 3}, new int[] {3, 5})))
                .hasMessageContaining("'z'");
        assertThatThrownBy(() -> Einsum.plan("ij,jk,kl->il", List.of(new int[] {2, 3}, new int[] {3, 5},
                new int[] {5, 2}))).hasMessageContaining("at most two");
    }

    @Test
    void einsumExact_refusesWhenAccumulatorsMayOverflow() {
        Einsum e = Einsum.plan("ij,jk->ik", List.of(new int[] {1, 2}, new int[] {2, 1}));
        long big = 1L << 40;
        assertThatThrownBy(() -> e.applyExact(List.of(new long[] {big, big}, new long[] {big, big})))
                .isInstanceOf(ArithmeticException.class);
        // Bounds just below 2^63 and just above 2^53 (both on the unchecked long path) stay exact.
        long a = 1L << 31;
        long[] got = e.applyExact(List.of(new long[] {a, a}, new long[] {a - 1, a - 1}));
        assertThat(got[0]).isEqualTo(java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(a - 1))
                .shiftLeft(1).longValueExact());
        long c = (1L << 26) + 1;
        long[] near = e.applyExact(List.of(new long[] {c, c}, new long[] {c - 3, c}));
        assertThat(near[0]).isEqualTo(c * (c - 3) + c * c);
    }
}
