package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.testing.Property;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernels' Karatsuba product (Ext.cross, Ext.timesW) equals the schoolbook F_p2 product, edge values included. */
class ExtKaratsubaTest {
    private static final long[] EDGES = {0, 1, 2, Goldilocks.P - 1, Goldilocks.P - 2, 0xFFFF_FFFFL, 1L << 32, 1L << 63};

    private static long felt(java.util.SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            return EDGES[r.nextInt(EDGES.length)];
        }
        long v;
        do {
            v = r.nextLong();
        } while (!Goldilocks.isCanonical(v));
        return v;
    }

    @TestFactory
    Stream<DynamicTest> karatsubaMatchesSchoolbook() {
        return Property.forAll("karatsuba F_p2 product", 0xCA2AL, 200, r -> {
            for (int i = 0; i < 500; i++) {
                long a0 = felt(r);
                long a1 = felt(r);
                long b0 = felt(r);
                long b1 = felt(r);
                long v0 = Goldilocks.mul(a0, b0);
                long v1 = Goldilocks.mul(a1, b1);
                long c0 = Goldilocks.add(v0, Ext.timesW(v1));
                long c1 = Ext.cross(a0, a1, b0, b1, v0, v1);
                assertThat(c0).isEqualTo(Fp2.mul0(a0, a1, b0, b1));
                assertThat(c1).isEqualTo(Fp2.mul1(a0, a1, b0, b1));
                assertThat(Goldilocks.isCanonical(c0) && Goldilocks.isCanonical(c1)).isTrue();
                assertThat(Ext.timesW(a0)).isEqualTo(Goldilocks.mul(Fp2.W, a0));
            }
        });
    }
}
