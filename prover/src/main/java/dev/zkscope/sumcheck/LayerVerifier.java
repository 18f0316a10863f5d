package dev.zkscope.sumcheck;

import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.transcript.Transcript;

import java.util.HashMap;
import java.util.Map;

/** What a {@link LayerOp}'s verifier sees of the model driver (mirror of {@link LayerProver}). */
final class LayerVerifier {
    final Plan plan;
    final long[][] pub;
    final Transcript tr;
    final ProofStream.Reader in;
    final SumcheckBackend.Claims claims;
    final Map<Integer, Fp2[]> pendingPoint;
    final Map<Integer, Fp2> pendingValue;
    /** Claims the function-table lookup left on looked-up inputs, by op: {point, value}. */
    final Map<Plan.Op, Object[]> lookupInputClaims = new HashMap<>();

    LayerVerifier(Plan plan, long[][] pub, Transcript tr, ProofStream.Reader in, SumcheckBackend.Claims claims,
                  Map<Integer, Fp2[]> pendingPoint, Map<Integer, Fp2> pendingValue) {
        this.plan = plan;
        this.pub = pub;
        this.tr = tr;
        this.in = in;
        this.claims = claims;
        this.pendingPoint = pendingPoint;
        this.pendingValue = pendingValue;
    }

    /** The claim {point, value} on op's output. */
    Object[] outClaim(Plan.Op op) throws Malformed {
        return SumcheckBackend.outClaim(plan, op, pub, pendingPoint, pendingValue, claims, tr, in);
    }

    /** Hands the claim (z, v) on tensor t on. */
    void claimOnInput(int t, Fp2[] z, Fp2 v) {
        SumcheckBackend.claimOnInput(plan, claims, t, z, v, pendingPoint, pendingValue);
    }

    /** Reads a claimed value of segment s at z. */
    Fp2 readSegment(int s, Fp2[] z) throws Malformed {
        Fp2 v = in.fp2(tr);
        claims.onSegment(s, z, v);
        return v;
    }
}
