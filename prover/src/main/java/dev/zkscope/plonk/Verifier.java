package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.Gate;
import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.Malformed;
import dev.zkscope.field.Fp2;
import dev.zkscope.field.Goldilocks;
import dev.zkscope.hash.Hashing;
import dev.zkscope.pcs.Pcs;
import dev.zkscope.pcs.PcsError;
import dev.zkscope.transcript.Transcript;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The verifier: decodes the proof with every size fixed by the key (shape first), replays the transcript, checks
 * the constraint identity at the out-of-domain point from the claimed values, then has the commitment scheme check
 * those values against the commitments ({@link Pcs#verify}: Merkle multiproofs, DEEP quotient, FRI).
 */
final class Verifier {
    private final VerifyingKey vk;
    private final ArgumentLayout lay;
    private final Pcs pcs;

    Verifier(VerifyingKey vk) {
        this.vk = vk;
        this.lay = vk.layout();
        this.pcs = lay.pcs(null);
    }

    private static VerifyResult reject(VerifyError e) {
        return new VerifyResult.Rejected(e);
    }

    VerifyResult verify(long[][] instanceIn, byte[] bytes, byte[] expectedCommitment) {
        VerifyResult r = verify(instanceIn, bytes);
        if (r.accepted() && expectedCommitment != null) {
            byte[] actual = Proof.readCommitment(bytes, lay);
            if (!Arrays.equals(actual, expectedCommitment)) {
                return reject(new VerifyError.CommitmentMismatch(HexFormat.of().formatHex(expectedCommitment),
                        HexFormat.of().formatHex(actual)));
            }
        }
        return r;
    }

    VerifyResult verify(long[][] instanceIn, byte[] bytes) {
        if (bytes == null) {
            return reject(new VerifyError.MalformedProof("header", "no proof bytes"));
        }
        ProofParameters params = vk.parameters();
        ByteReader r = new ByteReader(bytes);
        Proof proof;
        try {
            Proof.Header h = Proof.readHeader(r);
            if (h.version() != Proof.VERSION) {
                return reject(new VerifyError.WrongVersion(Proof.VERSION, h.version()));
            }
            if (!Hashing.NAME.equals(h.hash())) {
                return reject(new VerifyError.HashMismatch(Hashing.NAME, h.hash()));
            }
            if (!params.equals(h.params())) {
                return reject(new VerifyError.ParametersMismatch(params.toString(), h.params().toString()));
            }
            if (!Arrays.equals(vk.digestRef(), h.digest())) {
                return reject(new VerifyError.CircuitDigestMismatch(vk.circuitDigestHex(), HexFormat.of().formatHex(h.digest())));
            }
            if (h.logN() != lay.logN) {
                return reject(new VerifyError.MalformedProof("header", "logN " + h.logN() + ", key has " + lay.logN));
            }
            proof = Proof.readBody(r, h, lay, pcs, vk.fixedRoot());
        } catch (Malformed m) {
            return reject(new VerifyError.MalformedProof(m.section(), m.getMessage()));
        }

        int n = lay.n;
        ConstraintSystem cs = vk.constraintSystem();
        if (instanceIn == null || instanceIn.length != cs.numInstance()) {
            return reject(new VerifyError.PublicValuesMismatch("expected " + cs.numInstance() + " instance columns, got "
                    + (instanceIn == null ? "none" : instanceIn.length)));
        }
        long[][] instance = new long[cs.numInstance()][];
        for (int c = 0; c < instance.length; c++) {
            long[] col = instanceIn[c];
            if (col == null || col.length > n) {
                return reject(new VerifyError.PublicValuesMismatch("instance column " + c + " must have at most " + n + " values"));
            }
            for (long v : col) {
                if (!Goldilocks.isCanonical(v)) {
                    return reject(new VerifyError.PublicValuesMismatch("instance column " + c + " holds non-canonical "
                            + Long.toUnsignedString(v)));
                }
            }
            instance[c] = col.clone(); // not padded to n: the transcript and lagrange() read the nonzero cells only
        }

        // Transcript replay, round by round as the prover sent.
        Transcript tr = new Transcript(ProofSystem.DOMAIN);
        tr.absorb(vk.digestRef());
        ProofSystem.absorbInstance(tr, instance);
        if (lay.present(ArgumentLayout.COMMITTED)) {
            tr.absorb(proof.roots[ArgumentLayout.COMMITTED]);
        }
        tr.absorb(proof.roots[ArgumentLayout.ADVICE]);
        ArgumentLayout.Challenges ch = new ArgumentLayout.Challenges(tr.challengeExt(), tr.challengeExt(), tr.challengeExt(), tr.challengeExt());
        tr.absorb(proof.roots[ArgumentLayout.AUX]);
        Fp2 alpha = tr.challengeExt();
        tr.absorb(proof.roots[ArgumentLayout.QUOTIENT]);
        Fp2 z = ProofSystem.outOfDomainPoint(tr, n);
        Fp2 zw = z.mul(Goldilocks.rootOfUnity(lay.logN));

        // The constraint identity at z, from the claimed values.
        VerifyError oodError = checkIdentity(proof, instance, ch, alpha, z, zw);
        if (oodError != null) {
            return reject(oodError);
        }

        // The claimed values against the commitments.
        Optional<PcsError> pcsError = pcs.verify(lay.commitments(vk.fixedRoot(), proof.roots), new Fp2[] {z, zw},
                lay.openings(), proof.opening, tr);
        if (pcsError.isPresent()) {
            return reject(toVerifyError(pcsError.get()));
        }
        return new VerifyResult.Accepted();
    }

    /** The commitment scheme's rejection as this proof system reports it (trees by name). */
    private VerifyError toVerifyError(PcsError e) {
        if (e instanceof PcsError.Malformed m) {
            return new VerifyError.MalformedProof(m.section(), m.reason());
        } else if (e instanceof PcsError.GrindingInvalid g) {
            return new VerifyError.GrindingInvalid(g.bits(), g.nonce());
        } else if (e instanceof PcsError.BatchProofInvalid b) {
            return new VerifyError.MerkleProofInvalid(ArgumentLayout.TREE_NAMES[lay.openedTrees()[b.batch()]], b.reason());
        } else if (e instanceof PcsError.FriProofInvalid f) {
            return new VerifyError.MerkleProofInvalid("fri layer " + f.round(), f.reason());
        } else if (e instanceof PcsError.DeepValueMismatch d) {
            return new VerifyError.DeepValueMismatch(d.query(), d.expected(), d.actual());
        } else if (e instanceof PcsError.FriFoldMismatch f) {
            return new VerifyError.FriFoldMismatch(f.round(), f.query(), f.expected(), f.actual());
        } else if (e instanceof PcsError.FriFinalPolyMismatch f) {
            return new VerifyError.FriFinalPolyMismatch(f.query(), f.expected(), f.actual());
        }
        return new VerifyError.InternalFailure("unknown opening error " + e.describe());
    }

    /** An F_p2 value from its two base components' evaluations: re + im X. */
    static Fp2 combine(Fp2 re, Fp2 im) {
        // im * X = (a + b X) X = W b + a X
        return re.add(new Fp2(Goldilocks.mul(Fp2.W, im.c1()), im.c0()));
    }

    private VerifyError checkIdentity(Proof proof, long[][] instance, ArgumentLayout.Challenges ch, Fp2 alpha, Fp2 z, Fp2 zw) {
        int n = lay.n;
        Fp2[] ez = proof.evalsZ();
        Fp2[] ezw = proof.evalsZw();
        Fp2[][] inst = new Fp2[instance.length][2];
        for (int c = 0; c < instance.length; c++) {
            inst[c][0] = lagrange(instance[c], z, n);
            inst[c][1] = lagrange(instance[c], zw, n);
        }
        Fp2 acc = combination(lay, vk.constraintSystem(), z, ez, ezw, inst, ch, alpha);
        Fp2 q = committedQuotient(lay, ez, z);
        if (lay.quotientMask >= 0) {
            // The committed quotient is Q + S(omega X) (ArgumentLayout: the randomised quotient).
            int xo = lay.offset(ArgumentLayout.AUX);
            q = q.sub(combine(ezw[xo + lay.quotientMask], ezw[xo + lay.quotientMask + 1]));
        }
        Fp2 rhs = z.pow(n).sub(Fp2.ONE).mul(q);
        if (!rhs.equals(acc)) {
            return new VerifyError.QuotientIdentityFails(rhs.toString(), acc.toString());
        }
        return null;
    }

    /** sum_j x^(jm) Q_j'(x) from the quotient chunks' values at x (global column order). */
    static Fp2 committedQuotient(ArgumentLayout lay, Fp2[] at, Fp2 x) {
        int qo = lay.offset(ArgumentLayout.QUOTIENT);
        Fp2 q = Fp2.ZERO;
        Fp2 xm = x.pow(lay.chunkLen);
        Fp2 xp = Fp2.ONE;
        for (int j = 0; j < lay.numChunks; j++) {
            q = q.add(xp.mul(combine(at[qo + 2 * j], at[qo + 2 * j + 1])));
            xp = xp.mul(xm);
        }
        return q;
    }

    /**
     * C(x) = sum_c alpha^c C_c(x): every gate and aux constraint at one point x, from the columns' values at x
     * ({@code cur}) and at x omega ({@code next}, read only for the columns the constraints read at the next row),
     * indexed by global column, the instance polynomials' values at x and x omega, and the computed fixed columns
     * (X, active, first, last), which it evaluates at x itself ({@link ArgumentLayout#computedAt}). The one
     * definition of the identity the verifier checks at z (and that the audit tests evaluate at other points).
     */
    static Fp2 combination(ArgumentLayout lay, ConstraintSystem cs, Fp2 x, Fp2[] cur, Fp2[] next, Fp2[][] inst,
                           ArgumentLayout.Challenges ch, Fp2 alpha) {
        int fo = lay.offset(ArgumentLayout.FIXED);
        int xo = lay.offset(ArgumentLayout.AUX);
        Fp2[] computed = lay.computedAt(x);
        ExprEval.PointValues vals = (Column col, int rot) -> {
            Fp2[] src = rot == 0 ? cur : next;
            switch (col.kind()) {
                case FIXED:
                    if (col.index() >= lay.numFixedAll) {
                        // Only the fractions read a computed column, and at the current row only (ArgumentLayout).
                        if (rot != 0) {
                            throw new IllegalStateException("computed column " + col + " read at rotation " + rot);
                        }
                        return computed[col.index() - lay.numFixedAll];
                    }
                    return src[fo + col.index()];
                case ADVICE: return src[lay.globalAdvice(col.index())];
                default: return inst[col.index()][rot];
            }
        };
        Fp2 acc = Fp2.ZERO;
        Fp2 ap = Fp2.ONE;
        for (Gate g : cs.gates()) {
            acc = acc.add(ap.mul(ExprEval.atPoint(g.poly(), vals)));
            ap = ap.mul(alpha);
        }
        int groups = lay.groups.size();
        Fp2[] h = new Fp2[groups];
        for (int g = 0; g < groups; g++) {
            h[g] = combine(cur[xo + 2 * g], cur[xo + 2 * g + 1]);
        }
        Fp2 zc = combine(cur[xo + 2 * groups], cur[xo + 2 * groups + 1]);
        Fp2 zn = combine(next[xo + 2 * groups], next[xo + 2 * groups + 1]);
        int nf = lay.fractions.size();
        Fp2[] nums = new Fp2[nf];
        Fp2[][] tuples = new Fp2[nf][];
        for (int k = 0; k < nf; k++) {
            ArgumentLayout.Fraction f = lay.fractions.get(k);
            nums[k] = ExprEval.atPoint(f.num(), vals);
            tuples[k] = new Fp2[f.tuple().size()];
            for (int t = 0; t < tuples[k].length; t++) {
                tuples[k][t] = ExprEval.atPoint(f.tuple().get(t), vals);
            }
        }
        int numAux = 3 + groups;
        Fp2[] alphas = new Fp2[numAux];
        for (int j = 0; j < numAux; j++) {
            alphas[j] = ap;
            ap = ap.mul(alpha);
        }
        ArgumentLayout.ExtBlock[] hb = new ArgumentLayout.ExtBlock[groups];
        for (int g = 0; g < groups; g++) {
            hb[g] = ArgumentLayout.ExtBlock.of(h[g]);
        }
        ArgumentLayout.ExtBlock[] nb = new ArgumentLayout.ExtBlock[nf];
        ArgumentLayout.ExtBlock[][] tb = new ArgumentLayout.ExtBlock[nf][];
        for (int k = 0; k < nf; k++) {
            nb[k] = ArgumentLayout.ExtBlock.of(nums[k]);
            tb[k] = new ArgumentLayout.ExtBlock[tuples[k].length];
            for (int t = 0; t < tuples[k].length; t++) {
                tb[k][t] = ArgumentLayout.ExtBlock.of(tuples[k][t]);
            }
        }
        long[] accR = {acc.c0()};
        long[] accI = {acc.c1()};
        int ca = lay.numFixedAll;
        lay.auxConstraints(ch, 1, ArgumentLayout.ExtBlock.of(computed[lay.active - ca]),
                ArgumentLayout.ExtBlock.of(computed[lay.first - ca]), ArgumentLayout.ExtBlock.of(computed[lay.last - ca]), ArgumentLayout.ExtBlock.of(zc), ArgumentLayout.ExtBlock.of(zn), hb, nb, tb, alphas,
                accR, accI);
        return new Fp2(accR[0], accI[0]);
    }

    /**
     * The instance polynomial at x from its values: sum_i v_i L_i(x) with L_i(x) = omega^i (x^n - 1) / (n (x - omega^i)),
     * over the nonzero cells only.
     */
    static Fp2 lagrange(long[] col, Fp2 x, int n) {
        Fp2 sum = Fp2.ZERO;
        long w = Goldilocks.rootOfUnity(Integer.numberOfTrailingZeros(n));
        long wi = 1;
        for (int i = 0; i < col.length; i++) {
            if (col[i] != 0) {
                sum = sum.add(x.sub(Fp2.of(wi)).inv().mul(Goldilocks.mul(wi, col[i])));
            }
            wi = Goldilocks.mul(wi, w);
        }
        return sum.mul(x.pow(n).sub(Fp2.ONE)).mul(Goldilocks.inv(n));
    }
}
