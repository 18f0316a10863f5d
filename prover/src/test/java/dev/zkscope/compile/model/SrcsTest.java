package dev.zkscope.compile.model;

import dev.zkscope.testing.Property;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Srcs}, {@link SrcWindows} and {@link Coefs} say exactly what the {@code Src[]}, {@code Src[][]} and
 * {@code long[]} they replace say, whatever form they choose, and the common forms hold nothing per element.
 */
class SrcsTest {
    /** A random element vector: runs from one tensor (in order, permuted), constants (one value, many), mixes. */
    private static Src[] random(SplittableRandom r, int n) {
        Src[] s = new Src[n];
        int kind = r.nextInt(6);
        int t = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case 0 -> s[i] = new Src(t, i);
                case 1 -> s[i] = new Src(t, r.nextInt(3 * n + 1));
                case 2 -> s[i] = Src.constant(-7);
                case 3 -> s[i] = Src.constant(r.nextInt(9) - 4);
                case 4 -> s[i] = r.nextInt(3) == 0 ? Src.constant(0) : new Src(r.nextInt(5), r.nextInt(3 * n + 1));
                default -> s[i] = r.nextInt(3) == 0 ? Src.constant(r.nextInt(9) - 4)
                        : new Src(r.nextInt(5), r.nextInt(3 * n + 1));
            }
        }
        return s;
    }

    private static long[][] tensors(SplittableRandom r, int n) {
        long[][] t = new long[5][3 * n + 1];
        for (long[] a : t) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextLong(-1000, 1000);
            }
        }
        return t;
    }

    @TestFactory
    Stream<DynamicTest> of_saysWhatTheArraySays() {
        return Property.forAll("srcs_of", 0x5C5L, 300, r -> {
            int n = r.nextInt(40);
            Src[] a = random(r, n);
            Srcs s = Srcs.of(a);
            long[][] t = tensors(r, n);
            long[] bounds = {r.nextLong(1, 99), r.nextLong(1, 99), r.nextLong(1, 99), r.nextLong(1, 99), 5};
            assertThat(s.size()).isEqualTo(n);
            assertThat(s.toArray()).containsExactly(a);
            long maxBound = 0;
            BitSet reads = new BitSet();
            for (int i = 0; i < n; i++) {
                assertThat(s.get(i)).isEqualTo(a[i]);
                assertThat(s.isConstant(i)).isEqualTo(a[i].isConstant());
                long v = a[i].isConstant() ? a[i].value() : t[a[i].tensor()][a[i].index()];
                assertThat(s.value(t, i)).isEqualTo(v);
                long b = a[i].isConstant() ? Math.abs(a[i].value()) : bounds[a[i].tensor()];
                assertThat(s.bound(bounds, i)).isEqualTo(b);
                maxBound = Math.max(maxBound, b);
                if (!a[i].isConstant()) {
                    reads.set(a[i].tensor());
                }
            }
            assertThat(s.maxBound(bounds)).isEqualTo(maxBound);
            BitSet got = new BitSet();
            s.readTensors(got);
            assertThat(got).isEqualTo(reads);
            // slicing and selecting keep the elements
            int lo = n == 0 ? 0 : r.nextInt(n);
            int hi = lo + r.nextInt(n - lo + 1);
            Srcs sl = s.slice(lo, hi, x -> new Src(x.tensor() + 10, x.index() + 1));
            for (int i = lo; i < hi; i++) {
                Src want = a[i].isConstant() ? a[i] : new Src(a[i].tensor() + 10, a[i].index() + 1);
                assertThat(sl.get(i - lo)).isEqualTo(want);
            }
            int[] pos = new int[r.nextInt(10)];
            for (int k = 0; k < pos.length && n > 0; k++) {
                pos[k] = r.nextInt(n);
            }
            if (n > 0) {
                Srcs sel = s.select(pos);
                for (int k = 0; k < pos.length; k++) {
                    assertThat(sel.get(k)).isEqualTo(a[pos[k]]);
                }
            }
        });
    }

    @Test
    void commonForms_holdNothingPerElement() {
        int n = 1 << 20;
        Src[] run = new Src[n];
        Src[] zeros = new Src[n];
        Src[] gathered = new Src[n];
        for (int i = 0; i < n; i++) {
            run[i] = new Src(3, i);
            zeros[i] = Src.constant(0);
            gathered[i] = new Src(3, (i * 7) % n);
        }
        assertThat(Srcs.of(run).bytesPerElement()).isZero();
        assertThat(Srcs.of(run).isRange()).isTrue();
        assertThat(Srcs.of(zeros).bytesPerElement()).isZero();
        assertThat(Srcs.range(3, n).bytesPerElement()).isZero();
        assertThat(Srcs.constants(n, 5).bytesPerElement()).isZero();
        // a broadcast or transposed read of one tensor: its indices only
        assertThat(Srcs.of(gathered).bytesPerElement()).isEqualTo(4);
        // a selection of a run is a gather, not a mix
        assertThat(Srcs.range(3, n).select(new int[] {5, 1, 1}).bytesPerElement()).isEqualTo(4);
        assertThat(Coefs.of(new long[n]).isUniform()).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> windows_sayWhatTheRowsSay() {
        return Property.forAll("src_windows", 0x3177L, 200, r -> {
            int outs = r.nextInt(12);
            Src[][] rows = new Src[outs][];
            for (int o = 0; o < outs; o++) {
                rows[o] = random(r, r.nextInt(6));
            }
            SrcWindows w = SrcWindows.of(rows);
            assertThat(w.size()).isEqualTo(outs);
            assertThat(w.toArray()).isDeepEqualTo(rows);
            int lo = outs == 0 ? 0 : r.nextInt(outs);
            int hi = lo + r.nextInt(outs - lo + 1);
            SrcWindows sl = w.slice(lo, hi, x -> new Src(x.tensor(), x.index() + 2));
            assertThat(sl.size()).isEqualTo(hi - lo);
            for (int o = lo; o < hi; o++) {
                assertThat(sl.count(o - lo)).isEqualTo(rows[o].length);
                for (int k = 0; k < rows[o].length; k++) {
                    Src want = rows[o][k].isConstant() ? rows[o][k] : new Src(rows[o][k].tensor(), rows[o][k].index() + 2);
                    assertThat(sl.get(o - lo, k)).isEqualTo(want);
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> coefs_sayWhatTheArraySays() {
        return Property.forAll("coefs", 0xC0EFL, 100, r -> {
            long[] v = new long[r.nextInt(20)];
            boolean same = r.nextBoolean();
            for (int i = 0; i < v.length; i++) {
                v[i] = same ? 3 : r.nextLong(-5, 5);
            }
            long[] copy = v.clone();
            Coefs c = Coefs.of(v);
            assertThat(c.toArray()).containsExactly(copy);
            long max = 0;
            for (int i = 0; i < v.length; i++) {
                assertThat(c.get(i)).isEqualTo(copy[i]);
                max = Math.max(max, Math.abs(copy[i]));
            }
            assertThat(c.maxAbs()).isEqualTo(max);
            int lo = v.length == 0 ? 0 : r.nextInt(v.length);
            int hi = lo + r.nextInt(v.length - lo + 1);
            assertThat(c.slice(lo, hi).toArray()).containsExactly(java.util.Arrays.copyOfRange(copy, lo, hi));
        });
    }

    @Test
    void badShapes_areRefused() {
        assertThatThrownBy(() -> Srcs.range(-1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrcWindows.of(Srcs.range(0, 4), new int[] {0, 3})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrcWindows.of(Srcs.range(0, 4), new int[] {0, 3, 2, 4}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Steps.MaxReduce("l", "MaxPool", 1, new Src[][] {{}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new Steps.Mul("l", "Mul", 1, Srcs.range(0, 3), Srcs.range(0, 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
