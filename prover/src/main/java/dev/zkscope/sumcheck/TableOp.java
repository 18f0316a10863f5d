package dev.zkscope.sumcheck;

import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;

/**
 * y = f(x) element-wise by a function table (sigmoid, tanh, exp, erf, GELU, rsqrt...): the same (input, output)
 * table the Plonkish backend builds for the step ({@code TableSpec}: its name carries the function and its scales),
 * every input in the calibrated range [lo, lo + T). This op holds the table's values (public, in the key) and its
 * multiplicity segment in W.
 *
 * <p><b>Not zero-knowledge yet</b>: the non-ZK LogUp-GKR argument of the {@code scops} branch is removed and
 * {@link LayerOps#table} refuses the step at keygen (a key holding its tag is refused when read). The port: LogUp with
 * committed helper columns over x + gamma y + delta tag, shared by every table of the model (docs/sumcheck-backend.md).
 */
record TableOp(String layer, String kind, int out, int in, String table, long lo, long[] values, int multSeg)
        implements LayerOp {
    static final int TAG = 9;
    /** Largest function table: 2^20 entries. */
    static final int MAX_LOG = 20;

    static TableOp create(Plan p, String layer, String kind, int out, int in, String table, long lo, long[] values) {
        int m = LayerKit.segment(p, "tmult" + out, Mle.logCeil(values.length));
        return new TableOp(layer, kind, out, in, table, lo, values, m);
    }

    static TableOp read(ByteReader r, Plan p, String layer, String kind, int out) throws Malformed {
        int in = r.u32();
        String table = r.string();
        long lo = r.u64();
        long[] values = LayerKit.readSigned(r);
        if (in < 0 || in >= p.tensorCount || p.layouts[in] == null || values.length < 1
                || Mle.logCeil(values.length) > MAX_LOG) {
            throw r.malformed("function table " + layer);
        }
        return create(p, layer, kind, out, in, table, lo, values);
    }

    int logT() { return Mle.logCeil(values.length); }

    @Override public int tag() { return TAG; }

    @Override public int[] reads() { return new int[] {in}; }

    @Override public boolean commitsOutput() { return true; }

    @Override
    public void write(ByteWriter w) {
        w.u32(in).string(table).u64(lo);
        LayerKit.writeSigned(w, values);
    }

    @Override
    public void validate(Plan p) throws Malformed {
        if (!p.layouts[out].equals(p.layouts[in])) {
            throw new Malformed("sumcheck plan", "function table " + layer + " changes its layout");
        }
    }

    @Override
    public void witness(Plan p, long[][] t, long[][] seg) {
        long[] x = t[in];
        long[] y = t[out];
        for (int i = 0; i < x.length; i++) {
            long j = x[i] - lo;
            if (j < 0 || j >= values.length) {
                if (LayerKit.LENIENT.get()) {
                    continue;
                }
                throw new IllegalArgumentException("layer " + layer + ": input " + x[i] + " is outside the table "
                        + table + " [" + lo + ", " + (lo + values.length - 1) + "]: the input is outside the calibrated domain");
            }
            if (y[i] != values[(int) j] && !LayerKit.LENIENT.get()) {
                throw new IllegalStateException("layer " + layer + ": output " + y[i] + " is not the table's value");
            }
            seg[multSeg][(int) j]++;
        }
    }

    /** Not yet zero-knowledge: refused at keygen ({@link LayerOps}), so no key holds this step. */
    @Override
    public void step(SumcheckBackend.Ctx c, String what) {
        throw new IllegalStateException(what + ": the function table step has no zero-knowledge protocol yet");
    }

    @Override
    public int masks(Plan p) {
        return 0;
    }
}
