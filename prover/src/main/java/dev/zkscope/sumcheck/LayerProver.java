package dev.zkscope.sumcheck;

import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;

import java.util.HashMap;
import java.util.Map;

/** What a {@link LayerOp}'s prover sees of the model driver: tables, W's segments, the transcript and the claims. */
final class LayerProver {
    final Plan plan;
    /** Every tensor's table in its layout (field), indexed by (aliased) tensor. */
    final long[][] tables;
    /** W's segments (field). */
    final long[][] seg;
    final Transcript tr;
    final ProofStream.Writer out;
    final SumcheckBackend.Claims claims;
    final Map<Integer, Fp2[]> pending;
    /** Claims the function-table lookup left on looked-up inputs, by op: handed on when the op is proved. */
    final Map<Plan.Op, Fp2[]> lookupInputPoints = new HashMap<>();

    LayerProver(Plan plan, long[][] tables, long[][] seg, Transcript tr, ProofStream.Writer out,
                SumcheckBackend.Claims claims, Map<Integer, Fp2[]> pending) {
        this.plan = plan;
        this.tables = tables;
        this.seg = seg;
        this.tr = tr;
        this.out = out;
        this.claims = claims;
        this.pending = pending;
    }

    /** The table of tensor t (its alias's). */
    long[] table(int t) {
        return tables[plan.alias[t]];
    }

    /** The point of the claim on op's output (its reader's, or a fresh one). */
    Fp2[] outPoint(Plan.Op op) {
        return SumcheckBackend.outPoint(plan, op, tables, pending, claims, tr, out);
    }

    /** Hands a claim at z on tensor t to its producer (virtual) or to W / the public check. */
    void inputPoint(int t, Fp2[] z) {
        SumcheckBackend.inputPoint(plan, t, z, tables, claims, pending);
    }

    /** A claim on segment s at z: the value is sent. */
    Fp2 sendSegment(int s, Fp2[] z) {
        Fp2 v = Mle.evaluateBase(seg[s], z);
        out.fp2(v, tr);
        claims.onSegment(s, z, v);
        return v;
    }
}
