package dev.zkscope.plonk;

import dev.zkscope.circuit.Column;
import dev.zkscope.circuit.ColumnKind;
import dev.zkscope.circuit.Expr;
import dev.zkscope.circuit.Gate;
import dev.zkscope.circuit.Lookup;
import dev.zkscope.codec.ByteReader;
import dev.zkscope.codec.ByteWriter;
import dev.zkscope.codec.Malformed;
import dev.zkscope.hash.Hashing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a verifier needs: the constraint system, the parameters, the Merkle root of the fixed columns (the
 * circuit's own plus the proof system's selectors and permutation labels), and the statement: opaque bytes from the
 * caller that say how the public values are to be read (for a model: its name, output shape and scale). Derived
 * deterministically from the circuit by {@link ProofSystem#keygen}. The circuit digest is SHA-256 of the canonical
 * encoding, statement included, and it is the first thing the transcript absorbs, so every challenge depends on the
 * whole circuit and on everything a verifier prints from the key.
 */
public final class VerifyingKey {
    static final byte[] MAGIC = {'Z', 'K', 'V', 'K'};
    static final int VERSION = 3;
    /** The tallest trace a key may declare: the compiler's largest ({@code CompileOptions.maxLogN}). */
    public static final int MAX_LOG_N = 24;
    /** The most columns of one kind a key may declare. */
    static final int MAX_COLUMNS = 1 << 16;
    /** The longest statement a key may carry. */
    static final int MAX_STATEMENT_BYTES = 1 << 16;

    private final ConstraintSystem cs;
    private final ProofParameters params;
    private final byte[] fixedRoot;
    private final byte[] statement;
    private final byte[] encoded;
    private final byte[] digest;

    VerifyingKey(ConstraintSystem cs, ProofParameters params, byte[] fixedRoot) {
        this(cs, params, fixedRoot, new byte[0]);
    }

    VerifyingKey(ConstraintSystem cs, ProofParameters params, byte[] fixedRoot, byte[] statement) {
        if (statement.length > MAX_STATEMENT_BYTES) {
            throw new IllegalArgumentException("statement of " + statement.length + " bytes; at most "
                    + MAX_STATEMENT_BYTES);
        }
        this.cs = cs;
        this.params = params.forTrace(cs.logN()); // the parameters this trace size is proved with
        this.fixedRoot = fixedRoot.clone();
        this.statement = statement.clone();
        ByteWriter w = new ByteWriter();
        w.bytes(MAGIC).u16(VERSION);
        writeParams(w, this.params);
        w.string(cs.name()).u8(cs.logN()).u32(cs.usableRows()).u32(cs.numFixed()).u32(cs.numAdvice()).u32(cs.numInstance());
        w.u32(cs.gates().size());
        for (Gate g : cs.gates()) {
            Codec.expr(w.string(g.name()), g.poly());
        }
        w.u32(cs.lookups().size());
        for (Lookup l : cs.lookups()) {
            w.string(l.name()).u32(l.arity());
            for (Expr e : l.inputs()) {
                Codec.expr(w, e);
            }
            for (Expr e : l.table()) {
                Codec.expr(w, e);
            }
        }
        w.u32(cs.equalityColumns().size());
        for (Column c : cs.equalityColumns()) {
            w.u8(c.kind().ordinal()).u32(c.index());
        }
        w.u32(cs.committedAdvice().size());
        for (int c : cs.committedAdvice()) {
            w.u32(c);
        }
        w.bytes(fixedRoot);
        w.u32(statement.length).bytes(statement);
        this.encoded = w.toBytes();
        this.digest = Hashing.newDigest().digest(encoded);
    }

    static void writeParams(ByteWriter w, ProofParameters p) {
        w.string(p.name()).u8(p.logBlowup()).u16(p.numQueries()).u8(p.grindingBits()).u8(p.logFoldingArity())
                .u8(p.logFinalPolyLen()).u8(p.zeroKnowledge() ? 1 : 0);
    }

    static ProofParameters readParams(ByteReader r) throws Malformed {
        String name = r.string();
        int lb = r.u8();
        int q = r.u16();
        int g = r.u8();
        int a = r.u8();
        int f = r.u8();
        int zk = r.u8();
        if (zk > 1) {
            throw r.malformed("zero-knowledge flag " + zk);
        }
        try {
            return new ProofParameters(name, lb, q, g, a, f, zk == 1);
        } catch (IllegalArgumentException e) {
            throw r.malformed(e.getMessage());
        }
    }

    /** Thrown by {@link #fromBytes} for a byte string that is not a verifying key. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    public static VerifyingKey fromBytes(byte[] bytes) throws FormatException {
        ByteReader r = new ByteReader(bytes);
        r.section("verifying key");
        try {
            byte[] magic = r.bytes(4);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new FormatException("not a zkscope verifying key (bad magic)");
            }
            int version = r.u16();
            if (version != VERSION) {
                throw new FormatException("verifying key version " + version + ", expected " + VERSION);
            }
            ProofParameters params = readParams(r);
            String name = r.string();
            int logN = r.u8();
            int usable = r.u32();
            int nf = r.u32();
            int na = r.u32();
            int ni = r.u32();
            // Bounded before anything is sized by them: a crafted key must not make the verifier allocate.
            if (logN < 1 || logN > MAX_LOG_N) {
                throw new FormatException("verifying key declares a trace of 2^" + logN + " rows; this verifier "
                        + "accepts 2^1 .. 2^" + MAX_LOG_N);
            }
            if (usable < 0 || usable > (1 << logN) || nf < 0 || na < 0 || ni < 0
                    || nf > MAX_COLUMNS || na > MAX_COLUMNS || ni > MAX_COLUMNS) {
                throw new FormatException("bad circuit shape in verifying key");
            }
            int ng = r.u32();
            List<Gate> gates = new ArrayList<>();
            for (int i = 0; i < ng; i++) {
                gates.add(new Gate(r.string(), Codec.expr(r, 0)));
            }
            int nl = r.u32();
            List<Lookup> lookups = new ArrayList<>();
            for (int i = 0; i < nl; i++) {
                String ln = r.string();
                int arity = r.u32();
                if (arity < 1 || arity > 1 << 16) {
                    throw new FormatException("bad lookup arity " + arity);
                }
                List<Expr> in = new ArrayList<>();
                List<Expr> tb = new ArrayList<>();
                for (int k = 0; k < arity; k++) {
                    in.add(Codec.expr(r, 0));
                }
                for (int k = 0; k < arity; k++) {
                    tb.add(Codec.expr(r, 0));
                }
                lookups.add(new Lookup(ln, in, tb));
            }
            int ne = r.u32();
            if (ne < 0 || ne > 1 << 20) {
                throw new FormatException("bad equality column count " + ne);
            }
            List<Column> eq = new ArrayList<>();
            for (int i = 0; i < ne; i++) {
                int k = r.u8();
                int idx = r.u32();
                if (k >= ColumnKind.values().length || idx < 0) {
                    throw new FormatException("bad equality column");
                }
                eq.add(new Column(ColumnKind.values()[k], idx));
            }
            int nc = r.u32();
            if (nc < 0 || nc > na) {
                throw new FormatException("bad committed column count " + nc);
            }
            List<Integer> committed = new ArrayList<>();
            for (int i = 0; i < nc; i++) {
                committed.add(r.u32());
            }
            byte[] root = r.bytes(Hashing.DIGEST_BYTES);
            int sl = r.u32();
            if (sl < 0 || sl > MAX_STATEMENT_BYTES) {
                throw new FormatException("bad statement length " + Integer.toUnsignedString(sl));
            }
            byte[] statement = r.bytes(sl);
            r.expectEnd();
            ConstraintSystem cs = new ConstraintSystem(name, logN, usable, nf, na, ni, gates, lookups, eq, committed);
            VerifyingKey vk = new VerifyingKey(cs, params, root, statement);
            // Columns first: the ArgumentLayout reads the constraints' columns (which it opens where) as it is built.
            checkColumns(cs);
            new ArgumentLayout(cs, params);
            return vk;
        } catch (Malformed m) {
            throw new FormatException("verifying key: " + m.getMessage());
        } catch (IllegalArgumentException e) {
            throw new FormatException("verifying key: " + e.getMessage());
        }
    }

    private static void checkColumns(ConstraintSystem cs) {
        List<Expr> all = new ArrayList<>();
        for (Gate g : cs.gates()) {
            all.add(g.poly());
        }
        for (Lookup l : cs.lookups()) {
            all.addAll(l.inputs());
            all.addAll(l.table());
        }
        for (Column c : cs.equalityColumns()) {
            all.add(c.cur());
        }
        for (Expr e : all) {
            for (Expr.Var v : e.variables()) {
                int lim = v.column().kind() == ColumnKind.FIXED ? cs.numFixed()
                        : v.column().kind() == ColumnKind.ADVICE ? cs.numAdvice() : cs.numInstance();
                if (v.column().index() >= lim) {
                    throw new IllegalArgumentException("reads column " + v.column() + " which does not exist");
                }
            }
        }
    }

    public byte[] toBytes() {
        return encoded.clone();
    }

    /** SHA-256 of the encoded key: names the circuit, its fixed values and the parameters. */
    public byte[] circuitDigest() {
        return digest.clone();
    }

    public String circuitDigestHex() {
        return HexFormat.of().formatHex(digest);
    }

    public ConstraintSystem constraintSystem() {
        return cs;
    }

    public ProofParameters parameters() {
        return params;
    }

    /** The circuit's figures that its soundness depends on (rows, degree, columns, lookups, FRI rounds). */
    public CircuitFigures figures() {
        return CircuitFigures.of(layout());
    }

    public byte[] fixedRoot() {
        return fixedRoot.clone();
    }

    /** The caller's statement bound to this key (empty when none): covered by {@link #circuitDigest()}. */
    public byte[] statement() {
        return statement.clone();
    }

    byte[] digestRef() {
        return digest;
    }

    private ArgumentLayout layout;

    synchronized ArgumentLayout layout() {
        if (layout == null) {
            layout = new ArgumentLayout(cs, params);
        }
        return layout;
    }
}
