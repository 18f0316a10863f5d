package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;

/** Helpers the {@link LayerOp} classes share: segments, range-checked limbs, selectors. */
final class LayerKit {
    private LayerKit() {}

    /**
     * Tests only: a cheating prover's witness. Where the honest prover stops (a value outside the limbs' range, a
     * maximum not in its window, an output that is not its table's value) the witness is filled anyway (limbs of the
     * value's low bits), so that the verifier's rejection can be tested.
     */
    static final ThreadLocal<Boolean> LENIENT = ThreadLocal.withInitial(() -> false);

    /** Adds a segment of 2^log values to the plan; returns its index. */
    static int segment(Plan p, String name, int log) {
        p.segments.add(new Plan.Segment(name, log));
        return p.segments.size() - 1;
    }

    /** Adds nl limb segments of 2^log values, each looked up in the range table [0, 2^B). */
    static int[] limbs(Plan p, String name, int log, int nl) {
        int[] l = new int[nl];
        for (int j = 0; j < nl; j++) {
            l[j] = segment(p, name + "_" + j, log);
            p.lookups.add(new Plan.LookupColumn(0, new int[] {l[j]}, new long[] {1}, log, -1));
        }
        return l;
    }

    /** Writes the B-bit limbs of v >= 0 at position at; throws when v needs more limbs than the key has. */
    static void fillLimbs(Plan p, long[][] seg, int[] limbs, int at, long v, String layer) {
        if (!LENIENT.get() && (v < 0 || (v >>> (p.limbBits * limbs.length)) != 0)) {
            throw new IllegalArgumentException("layer " + layer + ": value " + v + " is outside the range the key was "
                    + "built for; the input is outside the calibrated domain");
        }
        for (int j = 0; j < limbs.length; j++) {
            seg[limbs[j]][at] = (v >>> (p.limbBits * j)) & ((1L << p.limbBits) - 1);
        }
    }

    /** How many limbs of the plan's width cover [0, bound]; refused above 62 bits. */
    static int limbCount(Plan p, long bound, dev.zkscope.compile.model.Step s) {
        int nl = Plan.limbsFor(bound, p.limbBits);
        if (nl * p.limbBits > 62) {
            throw Plan.unsupported(s, "values bounded by " + bound + " (more than 62 bits)");
        }
        return nl;
    }

    /** Selector of a block of 2^a entries at offset off (a multiple of 2^a) within 2^z.length: prod over high bits. */
    static Fp2 selector(Fp2[] z, int off, int a) {
        Fp2 sel = Fp2.ONE;
        for (int j = a; j < z.length; j++) {
            sel = sel.mul(((off >>> j) & 1) == 1 ? z[j] : Fp2.ONE.sub(z[j]));
        }
        return sel;
    }

    /** sum_j 2^(B j) limb_j at field values f[from + j]. */
    static Fp2 recombine(Fp2[] f, int from, int count, int bits) {
        Fp2 acc = Fp2.ZERO;
        for (int j = 0; j < count; j++) {
            acc = acc.add(f[from + j].mul(dev.zkscope.field.Goldilocks.pow(2, (long) bits * j)));
        }
        return acc;
    }

    /** Signed 64-bit integers (constants, table values), u32 count then u64 each. */
    static void writeSigned(dev.zkscope.codec.ByteWriter w, long[] v) {
        w.u32(v.length);
        for (long x : v) {
            w.u64(x);
        }
    }

    static long[] readSigned(dev.zkscope.codec.ByteReader r) throws dev.zkscope.codec.Malformed {
        int n = r.u32();
        if (n < 0 || n > (1 << 26)) {
            throw r.malformed("vector of " + n + " integers");
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.u64();
        }
        return v;
    }

    static Fp2[] prefix(Fp2[] z, int n) {
        return java.util.Arrays.copyOf(z, n);
    }
}
