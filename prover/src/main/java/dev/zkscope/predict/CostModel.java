package dev.zkscope.predict;

import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.profile.HeapSampler;
import dev.zkscope.profile.PhaseListener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Predicts proof time and peak heap from a circuit's {@link ProofShape}, before proving, with coefficients measured
 * on the machine it runs on.
 *
 * <p>Each prover phase is modelled as {@code t = a * work + b}, where work is the phase's dominant operation count:
 * <ul>
 *   <li>witness commit: advice columns x |LDE| x log|LDE| (interpolate, extend to the coset, hash rows);</li>
 *   <li>permutation + lookups: helper columns x |LDE| x log|LDE| (the LogUp/permutation columns, same pipeline);</li>
 *   <li>quotient: |quotient domain| x expression nodes (every constraint evaluated on every coset point), plus the
 *       chunk commitments;</li>
 *   <li>openings: all columns x |LDE| (evaluations at z and z*omega and the DEEP quotients);</li>
 *   <li>fri: all columns x |LDE| (the DEEP combination of every column over the extension, then folding and hashing
 *       the layers), with the proof-of-work grinding in the constant.</li>
 * </ul>
 * Peak heap is modelled as the heap in use before proving (which holds the proving key with the fixed columns'
 * extensions) plus {@code c x} the bytes the prover holds at its fullest ({@link #memoryWork}: its batches, and every
 * column's coset values while the quotient is evaluated) {@code + d}. Both are fitted on relative errors, so small and
 * large proofs count alike.
 *
 * <p>Calibration proves a few synthetic circuits ({@link CalibrationCircuits}) of two sizes and two widths with the
 * standard preset after a warm-up proof, fits every phase by least squares, and caches the coefficients per machine,
 * JVM and model version in {@code ~/.cache/zkscope/} (or the directory in system property {@code zkscope.cache}, which
 * the build sets for tests), with the date and the machine's load when it was made; a cache older than
 * {@link #MAX_AGE}, or one that fails its load check, is recalibrated.
 */
public final class CostModel {
    /** Bump when the prover or the features change, so stale caches are recalibrated. */
    static final int VERSION = 10; // 8: prover speed-ups of 2026-12-01, median-of-three calibration; 9: post-GC baseline;
    // 10: heap from the quotient's and the opening's live bytes (wide circuits), quotient work counts coset copies

    static final String[] PHASES = {"witness commit", "helpers", "quotient", "openings", "fri"};

    private final double[] slope;
    private final double[] intercept;
    private final double heapPerByte;
    private final double heapBase;
    private final String origin;
    private final java.time.Instant calibratedAt;
    private final double loadDuringCalibration;

    CostModel(double[] slope, double[] intercept, double heapPerByte, double heapBase, String origin) {
        this(slope, intercept, heapPerByte, heapBase, origin, java.time.Instant.now(), systemLoad());
    }

    CostModel(double[] slope, double[] intercept, double heapPerByte, double heapBase, String origin,
              java.time.Instant calibratedAt, double loadDuringCalibration) {
        this.slope = slope.clone();
        this.intercept = intercept.clone();
        this.heapPerByte = heapPerByte;
        this.heapBase = heapBase;
        this.origin = origin;
        this.calibratedAt = calibratedAt;
        this.loadDuringCalibration = loadDuringCalibration;
    }

    /** A cache older than this is recalibrated: JDK updates, firmware and thermal settings change the speeds. */
    public static final java.time.Duration MAX_AGE = java.time.Duration.ofDays(30);

    /** When the coefficients were measured. */
    public java.time.Instant calibratedAt() {
        return calibratedAt;
    }

    /**
     * The system load average (runnable threads, over the last minute) when calibration ended; NaN when the
     * platform does not report it. Above the number of cores, other processes shared the CPU with the calibration
     * proofs, so the measured speeds (and every prediction made from them) are too slow.
     */
    public double loadDuringCalibration() {
        return loadDuringCalibration;
    }

    /** Whether the machine was busy (load above its core count) while calibrating. */
    public boolean calibratedOnBusyMachine() {
        return loadDuringCalibration > Runtime.getRuntime().availableProcessors();
    }

    /**
     * What a user should know before trusting this model's predictions, or null: the calibration ran on a busy
     * machine, or it is older than {@link #MAX_AGE} minus a week (it expires soon).
     */
    public String caveat() {
        java.util.List<String> out = new ArrayList<>();
        if (calibratedOnBusyMachine()) {
            out.add(String.format(Locale.ROOT, "calibrated while the machine was busy (load %.1f on %d cores): "
                    + "predicted times are likely too long; run `zkscope calibrate --force` on an idle machine",
                    loadDuringCalibration, Runtime.getRuntime().availableProcessors()));
        }
        long days = java.time.Duration.between(calibratedAt, java.time.Instant.now()).toDays();
        if (days > MAX_AGE.toDays() - 7) {
            out.add("calibrated " + days + " days ago (recalibrated automatically after " + MAX_AGE.toDays()
                    + " days; `zkscope calibrate --force` does it now)");
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }

    static double systemLoad() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A prediction for one proof. */
    public record Prediction(double proveSeconds, long heapBytesAboveBaseline, Map<String, Double> phaseSeconds) {
        /** Predicted peak heap given the heap in use when proving starts. */
        public long peakHeapBytes(long baselineBytes) {
            return baselineBytes + heapBytesAboveBaseline;
        }
    }

    /** Where the coefficients came from ("calibrated now", "cached ..."). */
    public String origin() {
        return origin;
    }

    public Prediction predict(ProofShape s) {
        double[] w = work(s);
        Map<String, Double> phases = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < PHASES.length; i++) {
            double t = Math.max(0, slope[i] * w[i] + intercept[i]);
            phases.put(PHASES[i], t);
            total += t;
        }
        return new Prediction(total, (long) (heapPerByte * memoryWork(s) + heapBase), phases);
    }

    /** The work measure of each phase, in the order of {@link #PHASES}. */
    static double[] work(ProofShape s) {
        double lde = Math.scalb(1.0, s.logLde());
        double q = Math.scalb(1.0, s.logQuotient());
        // Every column also costs a fixed amount whatever its length (task dispatch, twiddle and buffer set-up, one
        // more leaf word per Merkle row): COLUMN_OVERHEAD extended points' worth, which matters on small traces.
        double perColumn = lde * s.logLde() + COLUMN_OVERHEAD;
        return new double[] {
                s.adviceColumns() * perColumn,
                s.auxColumns() * perColumn,
                q * (s.exprNodes() + s.totalColumns()) + s.quotientColumns() * perColumn,
                s.totalColumns() * (lde + COLUMN_OVERHEAD),
                s.totalColumns() * (lde + COLUMN_OVERHEAD)
        };
    }

    /** The fixed per-column cost, in extended points (a trace of 2^9 rows at rate 1/4 has 2^11). */
    static final double COLUMN_OVERHEAD = 1 << 14;

    /**
     * The bytes a proof holds at its fullest, counted from the prover's allocations (the fitted coefficient then covers
     * the garbage the collector lets build up beside them). Two moments compete:
     * <ul>
     *   <li>the quotient: the advice and helper batches (extension when kept, coefficients), every column's values on
     *       one coset of the quotient domain (fixed, advice, helpers: n each, which makes wide circuits heavy), the
     *       quotient's evaluations (2 |Q|), then the quotient chunks' own commitment;</li>
     *   <li>the opening: every prover batch, the DEEP polynomial (2 |LDE|) and the first FRI layer (2 |LDE| / 8).</li>
     * </ul>
     * A batch whose extension exceeds the prover's cache budget ({@code -Dzkscope.ldeCacheBytes}, else an eighth of the
     * heap) keeps only its coefficients and a coset at a time. The fixed columns' own extensions belong to the proving
     * key, which already sits in the baseline heap when proving starts.
     */
    static double memoryWork(ProofShape s) {
        double n = Math.scalb(1.0, s.logN());
        double lde = Math.scalb(1.0, s.logLde());
        double q = Math.scalb(1.0, s.logQuotient());
        double budget = Long.getLong("zkscope.ldeCacheBytes", Runtime.getRuntime().maxMemory() / 8);
        double adv = batch(s.adviceColumns(), n, lde, budget);
        double aux = batch(s.auxColumns(), n, lde, budget);
        double quot = batch(s.quotientColumns(), n, lde, budget);
        double quotient = adv + aux + Math.max(n * s.totalColumns() + 2 * q, 2 * q + quot);
        double opening = adv + aux + quot + 2 * lde + 2 * lde / 8 + 2 * n * 4;
        return 8.0 * Math.max(quotient, opening);
    }

    /** Values a committed batch of the given width holds: coefficients, and the extension when the budget keeps it. */
    private static double batch(int width, double n, double lde, double budgetBytes) {
        double extension = width * lde;
        return width * n + (8 * extension <= budgetBytes ? extension : width * n);
    }

    /** Folds a prover phase name into the model's phases ("permutation" and "lookups" are both helper columns). */
    static int phaseIndex(String proverPhase) {
        switch (proverPhase) {
            case "witness commit": return 0;
            case "permutation":
            case "lookups": return 1;
            case "quotient": return 2;
            case "openings": return 3;
            case "fri": return 4;
            default: return -1;
        }
    }

    // ---------------------------------------------------------------- calibration

    /** One measured proof: its shape, seconds per model phase, and heap above the baseline. */
    record Measurement(ProofShape shape, double[] phaseSeconds, long heapAboveBaseline) { }

    /** Measures one proof of a calibration circuit. */
    static Measurement measure(int logN, int width, ProofParameters params) {
        CalibrationCircuits.Instance inst = CalibrationCircuits.mix(logN, width, params.reservedRows());
        ProvingKey pk = ProofSystem.keygen(inst.circuit(), params);
        double[] secs = new double[PHASES.length];
        PhaseListener l = new PhaseListener() {
            @Override public void phaseStarted(String phase) { }

            @Override public void phaseFinished(String phase, long nanos) {
                int i = phaseIndex(phase);
                if (i >= 0) {
                    secs[i] += nanos / 1e9;
                }
            }
        };
        long baseline = usedAfterGc();
        long peak;
        try (HeapSampler sampler = new HeapSampler(5).start()) {
            ProofSystem.prove(pk, inst.witness(), l);
            peak = sampler.stop();
        }
        return new Measurement(ProofShape.of(inst.circuit(), params), secs, Math.max(0, peak - baseline));
    }

    /** Heap in use after a full collection: the baseline that a proof's peak is measured against. */
    public static long usedAfterGc() {
        System.gc();
        return HeapSampler.usedAfterLastGc();
    }

    /**
     * Proves one calibration circuit of 2^15 rows so that the JIT has compiled the prover before a measured proof:
     * the cost model predicts steady-state times, and a fresh JVM's first proofs would otherwise include compilation.
     * One large proof runs every hot loop often enough for the JIT's thresholds, where small proofs need a dozen
     * (measured on cnn: after this, its next proofs took 0.21, 0.24, 0.24 s, steady; without it 1.05, 0.53, 0.60,
     * 0.23 s). About 4 s in a cold JVM on 2 cores.
     */
    public static void warmUp() {
        ProofParameters params = ProofParameters.standard();
        measure(15, 12, params);
        warm = true;
    }

    private static volatile boolean warm;

    /** {@link #warmUp()} once per JVM (calibrating also warms the prover up). */
    public static synchronized void warmUpOnce() {
        if (!warm) {
            warmUp();
        }
    }

    /**
     * Which calibration proofs to run: trace sizes 2^logN with widths, measured {@code passes} times each (the median
     * is kept), after one unmeasured pass; {@code warmUp} first proves one 2^15 circuit so that the JIT has compiled
     * the prover.
     */
    public record Plan(int[][] configs, int passes, boolean warmUp) {
        public Plan {
            if (configs.length < 2 || passes < 1) {
                throw new IllegalArgumentException("a calibration needs at least two circuits and one pass");
            }
            configs = configs.clone();
        }

        /**
         * Sizes from 2^10 (the smallest sample models) to 2^15, narrow and wide, so that both the per-proof constants
         * and the per-row slopes are pinned down; three measured passes, each configuration keeping the median per
         * phase (the proof-of-work grinding alone takes a geometrically distributed number of hashes, whose standard
         * deviation equals its mean, which one proof of a small circuit cannot average). 27 measured proofs.
         */
        public static final Plan STANDARD = new Plan(new int[][] {{10, 6}, {10, 24}, {11, 12}, {12, 6}, {12, 24},
                {13, 12}, {14, 6}, {14, 24}, {15, 12}}, 3, true);

        /**
         * For tests only: three small circuits (2^9 to 2^11), one pass, no 2^15 warm-up; about a second, and its
         * predictions are rough (a cold JIT, no medians). Never cached under the user's name: tests run with their own
         * cache directory.
         */
        public static final Plan QUICK_FOR_TESTS = new Plan(new int[][] {{9, 6}, {10, 12}, {11, 6}}, 1, false);

        int proofs() {
            return configs.length * passes;
        }
    }

    /** Runs the standard calibration proofs and fits the coefficients (tens of seconds on 2 cores). */
    public static CostModel calibrate() {
        return calibrate(Plan.STANDARD);
    }

    /** Runs the plan's calibration proofs and fits the coefficients. */
    public static CostModel calibrate(Plan plan) {
        ProofParameters params = ProofParameters.standard();
        if (plan.warmUp()) {
            warmUp(); // let the JIT compile the prover before anything is timed
        }
        // A first pass over the whole set finishes compiling the hot loops of every size, as a long-running prover
        // would have; then the measured passes.
        int[][] configs = plan.configs();
        for (int[] c : configs) {
            measure(c[0], c[1], params);
        }
        int passes = plan.passes();
        Measurement[][] runs = new Measurement[configs.length][passes];
        for (int pass = 0; pass < passes; pass++) {
            for (int i = 0; i < configs.length; i++) {
                runs[i][pass] = measure(configs[i][0], configs[i][1], params);
            }
        }
        List<Measurement> ms = new ArrayList<>();
        for (Measurement[] r : runs) {
            ms.add(median(r));
        }
        return fit(ms, "calibrated now on " + plan.proofs() + " proofs");
    }

    /** Per phase and for the heap, the median of several measurements of one circuit. */
    static Measurement median(Measurement[] r) {
        double[] secs = new double[PHASES.length];
        double[] col = new double[r.length];
        for (int p = 0; p < secs.length; p++) {
            for (int i = 0; i < r.length; i++) {
                col[i] = r[i].phaseSeconds()[p];
            }
            java.util.Arrays.sort(col);
            secs[p] = col[r.length / 2];
        }
        long[] heap = new long[r.length];
        for (int i = 0; i < r.length; i++) {
            heap[i] = r[i].heapAboveBaseline();
        }
        java.util.Arrays.sort(heap);
        return new Measurement(r[0].shape(), secs, heap[r.length / 2]);
    }

    /**
     * Fits t = a*work + b per phase, and heap = c*bytes + d, by least squares on relative errors (each measurement
     * weighted by 1/t^2), so that a 30 ms proof and a 3 s proof count alike; a negative a, b, c or d falls back to a
     * fit through the origin.
     */
    static CostModel fit(List<Measurement> ms, String origin) {
        int k = PHASES.length;
        double[] slope = new double[k];
        double[] intercept = new double[k];
        double[] w = new double[ms.size()];
        double[] t = new double[ms.size()];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < ms.size(); i++) {
                w[i] = work(ms.get(i).shape())[p];
                t[i] = ms.get(i).phaseSeconds()[p];
            }
            double[] ab = relativeFit(w, t);
            slope[p] = ab[0];
            intercept[p] = ab[1];
        }
        for (int i = 0; i < ms.size(); i++) {
            w[i] = memoryWork(ms.get(i).shape());
            t[i] = ms.get(i).heapAboveBaseline();
        }
        double[] cd = relativeFit(w, t);
        return new CostModel(slope, intercept, cd[0], cd[1], origin);
    }

    /** Minimizes sum ((a x_i + b - y_i) / y_i)^2 over a, b >= 0; points with y_i <= 0 are skipped. */
    static double[] relativeFit(double[] x, double[] y) {
        double s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(y[i] > 0)) {
                continue;
            }
            double wt = 1 / (y[i] * y[i]);
            s += wt;
            sx += wt * x[i];
            sy += wt * y[i];
            sxx += wt * x[i] * x[i];
            sxy += wt * x[i] * y[i];
        }
        double den = s * sxx - sx * sx;
        double a = den == 0 ? 0 : (s * sxy - sx * sy) / den;
        double b = s == 0 ? 0 : (sy - a * sx) / s;
        if (a < 0 || b < 0) {
            a = sxx == 0 ? 0 : Math.max(0, sxy / sxx);
            b = 0;
        }
        return new double[] {a, b};
    }

    // ---------------------------------------------------------------- cache

    /** The cached model for this machine and JVM, or null when none is cached yet (or it expired or is damaged). */
    public static CostModel cached() {
        return read(cacheFile());
    }

    /**
     * The cached model for this machine and JVM, calibrating (and caching) it first when there is none. One caller at
     * a time: a second caller waits for the first one's calibration and then reads its cache.
     */
    public static synchronized CostModel loadOrCalibrate() {
        Path file = cacheFile();
        CostModel cached = read(file);
        if (cached != null) {
            return cached;
        }
        CostModel m = calibrate();
        write(m, file);
        return m;
    }

    /** Replaces this machine's cache with {@code m} (`zkscope calibrate`); throws when it cannot be written. */
    public static synchronized void save(CostModel m) throws IOException {
        writeOrThrow(m, cacheFile());
    }

    /** The cache file of this machine and JVM (under system property {@code zkscope.cache}, else ~/.cache/zkscope). */
    public static Path cacheFile() {
        String dir = System.getProperty("zkscope.cache");
        Path base = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "zkscope");
        return base.resolve("costmodel-" + machineKey().replaceAll("[^A-Za-z0-9.-]", "_") + ".properties");
    }

    static String machineKey() {
        return "v" + VERSION + "-" + Runtime.getRuntime().availableProcessors() + "cpu-java"
                + System.getProperty("java.specification.version") + "-" + cpuModel().hashCode();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the key falls back to the architecture
        }
        return System.getProperty("os.arch");
    }

    /**
     * The model cached in {@code file}, or null when there is none, when it belongs to another machine, JVM or model
     * version, when it is older than {@link #MAX_AGE} (or dated in the future), or when any coefficient is missing,
     * not a finite non-negative number, or predicts a non-positive time for a small circuit (a damaged cache is
     * recalibrated, never trusted).
     */
    static CostModel read(Path file) {
        return read(file, java.time.Instant.now());
    }

    static CostModel read(Path file, java.time.Instant now) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            if (!machineKey().equals(p.getProperty("key"))) {
                return null;
            }
            java.time.Instant at = java.time.Instant.parse(p.getProperty("calibratedAt"));
            if (at.isAfter(now.plusSeconds(3600)) || java.time.Duration.between(at, now).compareTo(MAX_AGE) > 0) {
                return null;
            }
            double[] s = new double[PHASES.length];
            double[] b = new double[PHASES.length];
            for (int i = 0; i < PHASES.length; i++) {
                s[i] = coefficient(p, "slope." + i);
                b[i] = coefficient(p, "intercept." + i);
            }
            String load = p.getProperty("load", "NaN");
            CostModel m = new CostModel(s, b, coefficient(p, "heapPerByte"), coefficient(p, "heapBase"),
                    "cached, calibrated " + at.toString().substring(0, 10) + " (" + file + ")", at,
                    Double.parseDouble(load));
            Prediction check = m.predict(new ProofShape(10, 12, 11, 8, 8, 4, 6, 3, 8, 200));
            if (!(check.proveSeconds() > 0) || check.heapBytesAboveBaseline() <= 0) {
                return null;
            }
            return m;
        } catch (IOException | RuntimeException e) {
            return null; // a damaged cache is recalibrated, not trusted
        }
    }

    private static double coefficient(Properties p, String name) {
        double v = Double.parseDouble(p.getProperty(name));
        if (!Double.isFinite(v) || v < 0) {
            throw new IllegalArgumentException(name + " = " + v);
        }
        return v;
    }

    /** Writes the cache; an unwritable cache only costs a recalibration next time. */
    static void write(CostModel m, Path file) {
        try {
            writeOrThrow(m, file);
        } catch (IOException e) {
            // An unwritable cache only costs a recalibration next time.
        }
    }

    static void writeOrThrow(CostModel m, Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("key", machineKey());
        p.setProperty("date", java.time.LocalDate.ofInstant(m.calibratedAt, java.time.ZoneOffset.UTC).toString());
        p.setProperty("calibratedAt", m.calibratedAt.toString());
        p.setProperty("load", Double.toString(m.loadDuringCalibration));
        for (int i = 0; i < PHASES.length; i++) {
            p.setProperty("slope." + i, Double.toString(m.slope[i]));
            p.setProperty("intercept." + i, Double.toString(m.intercept[i]));
        }
        p.setProperty("heapPerByte", Double.toString(m.heapPerByte));
        p.setProperty("heapBase", Double.toString(m.heapBase));
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "costmodel", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "zkscope cost model: seconds = slope * work + intercept per prover phase");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("CostModel[").append(origin);
        for (int i = 0; i < PHASES.length; i++) {
            b.append(String.format(Locale.ROOT, "; %s %.3e*w+%.4f", PHASES[i], slope[i], intercept[i]));
        }
        return b.append(String.format(Locale.ROOT, "; heap %.2f x extended bytes + %.0f]", heapPerByte, heapBase))
                .toString();
    }
}
