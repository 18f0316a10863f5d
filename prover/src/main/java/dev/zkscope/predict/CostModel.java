package dev.zkscope.predict;

import dev.zkscope.pcs.Pcs;
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
 * extensions) plus the bytes the prover holds at its fullest moment, counted from its allocations and not fitted
 * ({@link #heapMoments}: its batches, the extensions its commitments discard and the collector has not freed yet,
 * the quotient's evaluations, the DEEP polynomial), plus the other short-lived arrays, fitted as {@code c} times one
 * extended column's bytes {@code + d} ({@link #heapBytes}). Times are fitted on relative errors, so small and large
 * proofs count alike. docs/prediction.md has the measurements behind each term.
 *
 * <p>Calibration proves a few synthetic circuits ({@link CalibrationCircuits}) of two sizes and two widths with the
 * standard preset after a warm-up proof, fits every phase by least squares, and caches the coefficients per machine,
 * JVM and model version in {@code ~/.cache/zkscope/} (or the directory in system property {@code zkscope.cache}, which
 * the build sets for tests), with the date and the machine's load when it was made; a cache older than
 * {@link #MAX_AGE}, or one that fails its load check, is recalibrated.
 */
public final class CostModel {
    /** Bump when the prover or the features change, so stale caches are recalibrated. */
    static final int VERSION = 15; // 8: prover speed-ups of 2026-12-01, median-of-three calibration; 9: post-GC baseline;
    // 10: heap from the quotient's and the opening's live bytes (wide circuits), quotient work counts coset copies;
    // 11: heap from five moments of live bytes (kept cosets are not copies), streamed batches' recomputed cosets timed;
    // 12: quotient work per point weighs LogUp fractions, openings per coefficient, streamed query rows by Horner;
    // (13: a speed probe, reverted); 14: 2^17 calibration proofs, the garbage a multiple of the count, keyed by heap;
    // 15: the calibration measures how the machine repeats one proof (timeSpread)

    static final String[] PHASES = {"witness commit", "helpers", "quotient", "openings", "fri"};

    private final double[] slope;
    private final double[] intercept;
    private final double garbagePerByte;
    private final double heapBase;
    private final String origin;
    private final java.time.Instant calibratedAt;
    private final double loadDuringCalibration;
    private final double timeSpread;

    CostModel(double[] slope, double[] intercept, double garbagePerByte, double heapBase, String origin) {
        this(slope, intercept, garbagePerByte, heapBase, origin, java.time.Instant.now(), systemLoad());
    }

    CostModel(double[] slope, double[] intercept, double garbagePerByte, double heapBase, String origin,
              java.time.Instant calibratedAt, double loadDuringCalibration) {
        this(slope, intercept, garbagePerByte, heapBase, origin, calibratedAt, loadDuringCalibration, Double.NaN);
    }

    CostModel(double[] slope, double[] intercept, double garbagePerByte, double heapBase, String origin,
              java.time.Instant calibratedAt, double loadDuringCalibration, double timeSpread) {
        if (timeSpread < 0) {
            throw new IllegalArgumentException("time spread " + timeSpread);
        }
        this.timeSpread = timeSpread;
        this.slope = slope.clone();
        this.intercept = intercept.clone();
        this.garbagePerByte = garbagePerByte;
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

    /**
     * Whether the machine was busy while calibrating: a load average above the core count plus one. The calibration's
     * own proofs keep every core busy, so a load of about the core count is the calibration itself (measured 1.9-2.1
     * on this 2-core machine with nothing else running); one more means another process held a core.
     */
    public boolean calibratedOnBusyMachine() {
        return loadDuringCalibration > Runtime.getRuntime().availableProcessors() + 1;
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

    /**
     * How much the time of one and the same proof varies on this machine: the standard deviation of the natural log of
     * its measured time over repeats (0.15 means that about two thirds of the repeats fall within 15% of their
     * typical time), pooled over the calibration's larger circuits ({@link #repeatSpread}); NaN when unknown (a cache
     * without the key is read as unknown). No prediction of one proof can be closer than this machine repeats it.
     */
    public double timeSpread() {
        return timeSpread;
    }

    /** Repeats of one proof fall within this many {@link #timeSpread}s of their typical time about 95% of the time. */
    public static final double BAND_SIGMAS = 2;

    /**
     * The range a proof predicted to take {@code seconds} is expected to take on this machine, given how it repeats
     * one proof: {@code {seconds / e^(2 sigma), seconds * e^(2 sigma)}}, or null when the spread is unknown.
     */
    public double[] timeBand(double seconds) {
        return timeBand(timeSpread, seconds);
    }

    /** As {@link #timeBand(double)} for a given spread (NaN: null). */
    public static double[] timeBand(double spread, double seconds) {
        double[] f = bandFactors(spread);
        return f == null ? null : new double[] {seconds * f[0], seconds * f[1]};
    }

    /**
     * The band of a spread as factors of the predicted time, {@code {e^(-2 spread), e^(2 spread)}}, or null for an
     * unknown (NaN) spread.
     */
    public static double[] bandFactors(double spread) {
        if (Double.isNaN(spread)) {
            return null;
        }
        double f = Math.exp(BAND_SIGMAS * spread);
        return new double[] {1 / f, f};
    }

    /**
     * Whether a proof predicted at {@code predicted} seconds and measured at {@code measured} fell within
     * {@link #timeBand}; null when the spread is unknown.
     */
    public Boolean withinBand(double predicted, double measured) {
        return withinBand(timeSpread, predicted, measured);
    }

    /** As {@link #withinBand(double, double)} for a given spread (NaN: null). */
    public static Boolean withinBand(double spread, double predicted, double measured) {
        double[] b = timeBand(spread, predicted);
        return b == null ? null : measured >= b[0] && measured <= b[1];
    }

    static double systemLoad() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * A prediction for one proof, with the shape it was made from (null when none was given), so that a report can
     * show what the figures were predicted from and a later model can predict the same proof again.
     */
    public record Prediction(double proveSeconds, long heapBytesAboveBaseline, Map<String, Double> phaseSeconds,
                             ProofShape shape) {
        public Prediction(double proveSeconds, long heapBytesAboveBaseline, Map<String, Double> phaseSeconds) {
            this(proveSeconds, heapBytesAboveBaseline, phaseSeconds, null);
        }

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
        double[] r = recomputeWork(s);
        Map<String, Double> phases = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < PHASES.length; i++) {
            double t = Math.max(0, slope[i] * w[i] + intercept[i]) + slope[0] * r[i];
            phases.put(PHASES[i], t);
            total += t;
        }
        return new Prediction(total, (long) heapBytes(s, garbagePerByte, heapBase), phases, s);
    }

    /**
     * Keygen's time for a proof of this shape: committing its fixed columns (selectors, tables, weights, the
     * permutation's sigmas), priced at the witness commitment's fitted rate per column, the same transform and the
     * same hashing. It is not calibrated on keygens of its own; it prices plans against each other ({@code --max-rows
     * auto}, Segmenter.chooseBudget), where a plan of more, smaller segments commits its fixed columns more times.
     * ResNet-8's 2^15 and 2^16 segments, measured 2026-12-06: 1.5-2.4 s and 2.3-4.7 s.
     */
    public double keygenSeconds(ProofShape s) {
        double lde = Math.scalb(1.0, s.logLde());
        return slope[0] * s.fixedColumns() * (lde * s.logLde() + COLUMN_OVERHEAD);
    }

    /**
     * The work measure of each phase, in the order of {@link #PHASES}. Batches that recompute their cosets add
     * {@link #recomputeWork}.
     */
    static double[] work(ProofShape s) {
        double lde = Math.scalb(1.0, s.logLde());
        double q = Math.scalb(1.0, s.logQuotient());
        // Every column also costs a fixed amount whatever its length (task dispatch, twiddle and buffer set-up, one
        // more leaf word per Merkle row): COLUMN_OVERHEAD extended points' worth, which matters on small traces.
        double perColumn = lde * s.logLde() + COLUMN_OVERHEAD;
        double n = Math.scalb(1.0, s.logN());
        return new double[] {
                s.adviceColumns() * perColumn,
                s.auxColumns() * perColumn,
                q * quotientPointWork(s) + s.quotientColumns() * perColumn,
                // the openings: every column's value at z and z omega, two base-field products per coefficient
                s.totalColumns() * (n + OPENING_OVERHEAD),
                s.totalColumns() * (lde + COLUMN_OVERHEAD)
        };
    }

    /**
     * The quotient's work per point of its domain, in expression-node units: every gate's and tuple's nodes (one
     * block operation each), every LogUp fraction's denominator and three F_p2 block products
     * ({@link #FRACTION_WEIGHT} nodes' worth), and what every point costs whatever the circuit (the vanishing
     * polynomial, the mask, the two inverse transforms of the quotient: {@link #POINT_WEIGHT}).
     */
    static double quotientPointWork(ProofShape s) {
        return s.exprNodes() + FRACTION_WEIGHT * s.fractions() + POINT_WEIGHT;
    }

    /**
     * A LogUp fraction's cost in the quotient, in expression nodes. The calibration circuits all have 6 fractions and
     * under 200 nodes, the model circuits 40-160 fractions and 6,000-8,000 nodes (a Poseidon2 gadget's gates are
     * most of them), so the ratio cannot be fitted from the calibration alone: 48 and {@link #POINT_WEIGHT} were fitted
     * once, by least squares on relative errors, on the quotient phase's time per point of 4 calibration proofs
     * (2^14-2^16) and the 8 segments of ResNet-8 at 2^17 (2026-12-05, docs/prediction.md). They are ratios of two
     * in-memory loops of field products, so they carry over between machines; the slope is calibrated per machine.
     */
    static final double FRACTION_WEIGHT = 48;

    /** The quotient's cost per point beside the nodes and fractions, in expression nodes (see FRACTION_WEIGHT). */
    static final double POINT_WEIGHT = 1024;

    /** The openings' fixed cost per column, in coefficients (a parallel task and its powers' reads). */
    static final double OPENING_OVERHEAD = 1 << 10;

    /**
     * Per phase, the transforms (points x log points) that batches too large for the extension cache ({@link #keeps})
     * spend recomputing their cosets where they are read: every coset of the quotient domain in the quotient
     * (2^qLog transforms of n points per column, the key's fixed columns included), and in the FRI queries the cosets
     * the queried rows fall in (28 queries of 16 neighbours touch every coset: 2^logBlowup transforms per column).
     * Priced at the witness commitment's rate per extended point (the same transform). The calibration circuits keep
     * every extension, so these terms are not fitted: they are counted.
     */
    static double[] recomputeWork(ProofShape s) {
        double lde = Math.scalb(1.0, s.logLde());
        double q = Math.scalb(1.0, s.logQuotient());
        double n = Math.scalb(1.0, s.logN());
        double budget = ldeCacheBudget();
        int streamedTrace = streamed(s.adviceColumns(), lde, budget) + streamed(s.auxColumns(), lde, budget)
                + streamed(s.fixedColumns(), lde, budget);
        int streamedOpened = streamedTrace + streamed(s.quotientColumns(), lde, budget);
        double coset = n * s.logN();
        double[] w = new double[PHASES.length];
        w[2] = streamedTrace * (q / n) * coset;
        w[4] = streamedOpened * Pcs.streamedQueryWork(s.logN(), s.logLde() - s.logN(), s.queries());
        return w;
    }

    /** The width of a batch that recomputes its cosets (does not keep its extension), else 0. */
    private static int streamed(int width, double lde, double budget) {
        return keeps(width, lde, budget) ? 0 : width;
    }

    /** The fixed per-column cost, in extended points (a trace of 2^9 rows at rate 1/4 has 2^11). */
    static final double COLUMN_OVERHEAD = 1 << 14;

    /**
     * The bytes a proof holds at its fullest, counted from the prover's allocations (see {@link #heapMoments}: the
     * largest of its moments). The fitted coefficient then covers the garbage the collector lets build up beside them.
     */
    static double memoryWork(ProofShape s) {
        double[] m = heapMoments(s, ldeCacheBudget());
        double max = 0;
        for (double v : m) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The prover's extension cache budget: {@code -Dzkscope.ldeCacheBytes}, else an eighth of the maximum heap. */
    static double ldeCacheBudget() {
        return Long.getLong("zkscope.ldeCacheBytes", Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * The heap above the baseline: the prover's live bytes at its fullest moment ({@link #memoryWork}, counted, not
     * fitted) plus the arrays the collector has not freed yet, measured by calibration as {@code garbagePerByte}
     * bytes per counted byte plus {@code base}. The garbage grows with what the proof holds: arrays that live through
     * a phase (the trace values, the helper values, their coefficients before the batch takes them) are promoted to
     * the old generation, which G1 empties only after a marking cycle, so the used heap carries them past their
     * death (measured: 0.4-1.2 times the counted bytes on the calibration proofs, 0.6-1.2 on ResNet-8's segments).
     */
    static double heapBytes(ProofShape s, double garbagePerByte, double base) {
        double counted = memoryWork(s);
        return counted + Math.max(0, counted * garbagePerByte + base);
    }

    /** Names of the moments {@link #heapMoments} returns, in its order. */
    static final String[] HEAP_MOMENTS = {"advice commit", "helper commit", "quotient", "quotient commit", "fri"};

    /**
     * The bytes live above the baseline at each moment of a proof, read off the prover (values of 8 bytes; n trace
     * rows, L = n 2^logBlowup extended points, A advice, X helper, Q quotient and F fixed columns). A committed batch
     * of w columns holds its coefficients (w n) and a Merkle tree that keeps 2 bytes per leaf below its top (L/4
     * values with the levels above); it keeps its extension (w L, stored coset by coset) when that fits the prover's
     * cache budget ({@link #ldeCacheBudget}), otherwise it recomputes a coset (n per column) where one is read.
     * Committing a kept batch transforms one column per core into a natural-order extension (L each) before splitting
     * it into cosets; a streamed batch holds one coset of every column and the leaf digests (32 bytes, 4 values, per
     * extended point).
     * <ol>
     *   <li>advice commit: the prover's copy of the advice (A n) and the advice batch as it is built;</li>
     *   <li>helper commit: the advice copy, the advice batch, the helper values (X n) and the helper batch as it is
     *       built;</li>
     *   <li>quotient: the advice and helper batches, one coset of every streamed batch (the key's fixed columns too,
     *       when they were too large to keep), and the quotient's evaluations on the quotient domain (2 n 2^qLog);</li>
     *   <li>quotient commit: as the quotient, with the chunk columns (Q n) and the quotient batch being built instead
     *       of the cosets;</li>
     *   <li>fri: every prover batch, the DEEP polynomial over the extension (2 L) and its FRI layers (2 L / 8 and
     *       less), the sums of the columns sharing a set of points (4 n per set, 2 sets) and their coset values.</li>
     * </ol>
     * The fixed columns' own extensions belong to the proving key, which sits in the baseline heap when proving
     * starts. Bytes are returned; the collector's garbage is not counted here.
     *
     * @param budgetBytes the largest extension a batch keeps
     */
    static double[] heapMoments(ProofShape s, double budgetBytes) {
        double n = Math.scalb(1.0, s.logN());
        double lde = Math.scalb(1.0, s.logLde());
        double q = Math.scalb(1.0, s.logQuotient());
        int cores = Runtime.getRuntime().availableProcessors();
        double a = held(s.adviceColumns(), n, lde, budgetBytes);
        double x = held(s.auxColumns(), n, lde, budgetBytes);
        double qb = held(s.quotientColumns(), n, lde, budgetBytes);
        double adviceCopy = s.adviceColumns() * footprint(n);
        double cosets = cosetReads(s.adviceColumns(), n, lde, budgetBytes)
                + cosetReads(s.auxColumns(), n, lde, budgetBytes)
                + cosetReads(s.fixedColumns(), n, lde, budgetBytes);
        // A kept column is transformed into a natural-order extension (L values) before it is split into cosets; the
        // committer reuses one such buffer per core, dropped when the batch is done, so both trace commitments leave
        // little garbage (a fresh humongous array per column did: the used heap held all of them until the next
        // collection, which came at a time that varied run to run).
        double adviceGarbage = discarded(s.adviceColumns(), n, lde, budgetBytes, cores);
        double auxGarbage = discarded(s.auxColumns(), n, lde, budgetBytes, cores);
        double[] v = {
                adviceCopy + a + adviceGarbage + building(s.adviceColumns(), n, lde, budgetBytes, cores),
                adviceCopy + a + adviceGarbage + s.auxColumns() * footprint(n) + x + auxGarbage,
                a + x + cosets + 2 * footprint(q),
                a + x + 2 * footprint(q) + s.quotientColumns() * footprint(n) + qb
                        + discarded(s.quotientColumns(), n, lde, budgetBytes, cores),
                // DEEP sums: 2 sets of points x (re, im) x n coefficients, and as many coset values
                a + x + qb + 2 * footprint(lde) + 2 * footprint(lde / 8) * (1 + 1.0 / 7) + 8 * footprint(n)
        };
        for (int i = 0; i < v.length; i++) {
            v[i] *= 8;
        }
        return v;
    }

    /**
     * The heap an array of {@code len} longs takes, in values: its length, or, for G1's humongous objects (at least
     * half a region), the whole regions it spans. The used heap counts them so: with 4 MiB regions (-Xmx6g) an
     * extension of 2^19 points (4 MiB) takes 8 MiB, one of 2^20 points 12 MiB, measured with the MemoryMXBean the
     * peak is read from. Without G1 (or when the region size cannot be read), the length.
     */
    static double footprint(double len) {
        double bytes = 8 * len + 16;
        double region = REGION_BYTES;
        if (region <= 0 || bytes <= region / 2) {
            return len;
        }
        return Math.ceil(bytes / region) * region / 8;
    }

    /** G1's region size in this JVM, or 0 when another collector runs or the size cannot be read. */
    static final long REGION_BYTES = g1RegionBytes();

    private static long g1RegionBytes() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hs = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(hs.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** Whether a batch of {@code width} columns keeps its extension (the prover's own test). */
    static boolean keeps(int width, double lde, double budgetBytes) {
        return 8.0 * width * lde <= budgetBytes;
    }

    /**
     * Values a committed batch holds: coefficients, its Merkle tree's kept levels, and the extension when kept (each
     * column's 2^logBlowup cosets of n values).
     */
    static double held(int width, double n, double lde, double budgetBytes) {
        if (width == 0) {
            return 0;
        }
        boolean kept = keeps(width, lde, budgetBytes);
        return width * footprint(n) + treeValues(lde, kept) + (kept ? width * (lde / n) * footprint(n) : 0);
    }

    /**
     * The digests a batch's Merkle tree keeps (32 bytes, 4 values each), level by level in flat arrays: from level 4
     * up (2^4 leaves under a kept node), or, for a batch that recomputes its extension, every level up to 2^20
     * points (its query rows then need no neighbours) and the levels from 1 up at 2^21 ({@link Pcs#lowestKeptLevel}).
     */
    static double treeValues(double lde, boolean kept) {
        int low = Pcs.lowestKeptLevel(Math.getExponent(lde), !kept);
        double v = 0;
        for (double leaves = Math.scalb(lde, -low); leaves >= 1; leaves /= 2) {
            v += footprint(4 * leaves);
        }
        return v;
    }


    /**
     * The values a finished commitment leaves as garbage: a kept batch's natural-order extension buffers (one L and
     * one n array per core, reused from column to column); a streamed batch's coset arrays, one per column, reused
     * from coset to coset (w n).
     */
    static double discarded(int width, double n, double lde, double budgetBytes, int cores) {
        if (width == 0) {
            return 0;
        }
        return keeps(width, lde, budgetBytes) ? Math.min(width, cores) * (footprint(lde) + footprint(n))
                : width * footprint(n);
    }

    /**
     * The transient values of a commitment in progress beyond what the batch will hold: a kept batch's extension
     * buffers, one pair per core; a streamed batch's leaf digests (32 bytes, 4 values, per extended point).
     */
    static double building(int width, double n, double lde, double budgetBytes, int cores) {
        if (width == 0) {
            return 0;
        }
        return keeps(width, lde, budgetBytes) ? Math.min(width, cores) * (footprint(lde) + footprint(n))
                : footprint(4 * lde);
    }

    /** Values a coset read of a batch allocates: one coset per column when the batch recomputes them, else none. */
    static double cosetReads(int width, double n, double lde, double budgetBytes) {
        return keeps(width, lde, budgetBytes) ? 0 : width * footprint(n);
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
    record Measurement(ProofShape shape, double[] phaseSeconds, long heapAboveBaseline) {
        /** The prover's time: its phases' seconds summed. */
        double totalSeconds() {
            double t = 0;
            for (double x : phaseSeconds) {
                t += x;
            }
            return t;
        }
    }

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
        long[] heap = heapAboveBaseline(() -> ProofSystem.prove(pk, inst.witness(), l));
        return new Measurement(ProofShape.of(inst.circuit(), params), secs, heap[1] - heap[0]);
    }

    /**
     * Runs {@code proof} and returns {baseline, peak} as the CLI and the app measure a proof (Pipeline.prove,
     * SegmentProver.prove): a sampler every 10 ms started before, the baseline after a full collection
     * ({@link #usedAfterGc}), the sampler's peak restarted from there, the peak read right after the proof. The
     * peak is at least the baseline.
     */
    public static long[] heapAboveBaseline(Runnable proof) {
        try (HeapSampler sampler = new HeapSampler(10).start()) {
            long baseline = usedAfterGc();
            sampler.restartPeak();
            proof.run();
            long peak = sampler.peakNow();
            return new long[] {baseline, Math.max(baseline, peak)};
        }
    }

    /**
     * Heap in use after a full collection: the baseline that a proof's peak is measured against. System.gc() can return
     * without one: in the windowed app (GTK, software rendering) it ran no collection before 4 of 5 segment proofs
     * (2026-12-06), or only a young one, and the last full collection's figures read as the baseline were 16-254 MiB
     * below the heap in use (part of why the segments' peaks read 3-5 times their prediction there). So the full
     * collector's count is compared: without a full collection it is asked again (5 times, 20 ms apart), and failing
     * that the heap in use now is the baseline (garbage included: never below the truth). A JVM whose collectors do not
     * say which one is full (ZGC) is taken at its word.
     */
    public static long usedAfterGc() {
        long before = fullCollections();
        if (before < 0) {
            System.gc();
            return HeapSampler.usedAfterLastGc();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            System.gc();
            long after = fullCollections();
            if (after > before) {
                return HeapSampler.usedAfterLastGc();
            }
            before = after;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return HeapSampler.usedNow();
    }

    /**
     * Full collections run so far, by the collectors that make them ("G1 Old Generation", "PS MarkSweep",
     * "MarkSweepCompact"); -1 when this JVM has none of those.
     */
    static long fullCollections() {
        long n = -1;
        for (java.lang.management.GarbageCollectorMXBean g
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (g.getName().contains("Old") || g.getName().contains("MarkSweep")) {
                n = Math.max(n, 0) + Math.max(0, g.getCollectionCount());
            }
        }
        return n;
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
        measure(WARM_UP_LOG_N, 12, params);
        warm = true;
    }

    private static volatile boolean warm;

    /** The height of {@link #warmUp}'s proof: calibration sizes above it run only loops it has compiled. */
    static final int WARM_UP_LOG_N = 15;

    /**
     * How fast this machine runs now against when the model was calibrated: proofs of a calibration circuit, their
     * measured prover time over this model's prediction for them.
     *
     * @param proofs           how many proofs were timed
     * @param measuredSeconds  the check proofs' prover phases, measured now (all of them)
     * @param predictedSeconds this model's prediction for them (all of them)
     */
    public record SpeedCheck(int logN, int width, int proofs, double measuredSeconds, double predictedSeconds) {
        /** Measured over predicted: 1.5 means the machine runs 1.5 times slower than it did at calibration. */
        public double factor() {
            return measuredSeconds / predictedSeconds;
        }

        /**
         * The factor the segments are predicted at: the geometric mean of the calibration's speed (1) and the
         * check's ({@link #factor}), two estimates of the machine's speed during the run, each as noisy as this VM.
         * Measured over 308 segments in 21 runs (2026-12-05, docs/prediction.md): the full factor left 148 outside
         * +-30%, none 98, this half 90 (a quarter 81 on the same runs; not chosen, as that would fit them).
         */
        public double appliedFactor() {
            return Math.sqrt(factor());
        }
    }

    /**
     * Proves the calibration's 2^16 x 48 circuit (a model segment's height and width) twice, 4-10 s on this machine,
     * and compares their time with this model's prediction. This 2-core VM changes speed by up to 2x within minutes
     * (docs/prediction.md), so a model calibrated in one state mispredicts every segment proved in the other by that
     * factor; `prove --max-rows` runs this check after the JIT warm-up and before the segment warm-up, and predicts
     * the segments with {@link #scaled} by {@link SpeedCheck#appliedFactor} (the full factor helped runs of a few
     * minutes and misled every MobileNetV2 run, which outlasted the speed the check saw: 148 of 308 segments outside
     * +-30% with it, 98 without, 90 with the half). Call it on a warm JVM ({@link #warmUpOnce}).
     */
    public SpeedCheck speedCheck() {
        return speedCheck(16, 48, 2);
    }

    SpeedCheck speedCheck(int logN, int width, int proofs) {
        double measured = 0;
        double predicted = 0;
        for (int i = 0; i < proofs; i++) {
            Measurement m = measure(logN, width, ProofParameters.standard());
            measured += m.totalSeconds();
            predicted += predict(m.shape()).proveSeconds();
        }
        return new SpeedCheck(logN, width, proofs, measured, predicted);
    }

    /**
     * This model with every phase's time multiplied by {@code factor} (a {@link SpeedCheck}'s), its heap terms
     * unchanged: the machine's speed changes the time a proof takes, not the arrays it holds.
     */
    public CostModel scaled(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("speed factor " + factor);
        }
        double[] s = slope.clone();
        double[] b = intercept.clone();
        for (int i = 0; i < s.length; i++) {
            s[i] *= factor;
            b[i] *= factor;
        }
        return new CostModel(s, b, garbagePerByte, heapBase, String.format(Locale.ROOT,
                "%s, times %.3f by a speed check", origin, factor), calibratedAt, loadDuringCalibration, timeSpread);
    }

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
         * Sizes from 2^10 (the smallest sample models) to 2^16, narrow and wide, so that both the per-proof constants
         * and the per-row slopes are pinned down, and one as wide and as tall as a model's segment (2^16 x 48: its
         * heap pins the garbage fit where segments are, with 2^17 x 24 and 2^17 x 48: the garbage's multiple of the
         * count is larger at 2^17 rows, so the fit needs both sizes segments have); three measured passes, each configuration keeping the median
         * per phase (the proof-of-work grinding alone takes a geometrically distributed number of hashes, whose
         * standard deviation equals its mean, which one proof of a small circuit cannot average). 36 measured proofs,
         * about 3.5 minutes on 2 cores.
         */
        public static final Plan STANDARD = new Plan(new int[][] {{10, 6}, {10, 24}, {11, 12}, {12, 6}, {12, 24},
                {13, 12}, {14, 6}, {14, 24}, {15, 12}, {16, 48}, {17, 24}, {17, 48}}, 3, true);

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
        // A first pass over the set finishes compiling the hot loops of every size, as a long-running prover would
        // have; then the measured passes. Sizes above the 2^15 warm-up run the loops it compiled and skip it (the
        // 2^17 proofs are a third of the calibration's time).
        int[][] configs = plan.configs();
        for (int[] c : configs) {
            if (!plan.warmUp() || c[0] <= WARM_UP_LOG_N) {
                measure(c[0], c[1], params);
            }
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
        return fit(ms, "calibrated now on " + plan.proofs() + " proofs")
                .withTimeSpread(repeatSpread(runs, SPREAD_MIN_LOG_N));
    }

    /** Circuits of at least 2^this rows (half a second and more) inform {@link #timeSpread}. */
    static final int SPREAD_MIN_LOG_N = 14;

    /**
     * The pooled standard deviation of ln(total prover time) between the measured passes of each circuit of at least
     * 2^{@code minLogN} rows: how this machine repeats one proof (smaller circuits are left out, their time is mostly
     * the proof of work's grinding, whose count of hashes is random by design). NaN without two passes of any of them.
     * Measured on this 2-core VM, 2026-12-05: identical 2^16 x 48 proofs back to back in one warm JVM took 2.30-3.74 s
     * (0.15), 2^17 x 48 ones 7.6-11.4 s.
     */
    static double repeatSpread(Measurement[][] runs, int minLogN) {
        double squares = 0;
        int freedom = 0;
        for (Measurement[] r : runs) {
            if (r.length < 2 || r[0].shape().logN() < minLogN) {
                continue;
            }
            double[] logs = new double[r.length];
            double mean = 0;
            for (int i = 0; i < r.length; i++) {
                logs[i] = Math.log(r[i].totalSeconds());
                mean += logs[i] / r.length;
            }
            for (double l : logs) {
                squares += (l - mean) * (l - mean);
            }
            freedom += r.length - 1;
        }
        return freedom == 0 ? Double.NaN : Math.sqrt(squares / freedom);
    }

    /** This model with {@link #timeSpread} set (the calibration measures it after the fit). */
    CostModel withTimeSpread(double spread) {
        return new CostModel(slope, intercept, garbagePerByte, heapBase, origin, calibratedAt, loadDuringCalibration,
                spread);
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
     * Fits t = a*work + b per phase by least squares on relative errors (each measurement weighted by 1/t^2), so that a
     * 30 ms proof and a 3 s proof count alike (a negative a or b falls back to a fit through the origin); and the
     * heap's garbage terms ({@link #heapBytes}, {@link #garbageFit}).
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
        // The heap: what the counted live bytes leave unexplained, against the counted bytes, fitted on the proofs
        // whose extensions are at least 2^19 points, as a segment's are (2^16 x 48, 2^17 x 24 and 2^17 x 48 in the
        // standard plan: segments have 2^16-2^17 rows); the garbage is a multiple of the count (garbageFit), and
        // smaller proofs' peaks are mostly young-generation garbage whose collection timing varies run to run.
        List<double[]> heap = new ArrayList<>();
        for (Measurement m : ms) {
            if (m.shape().logLde() >= HEAP_FIT_LOG_LDE && m.heapAboveBaseline() > 0) {
                double counted = memoryWork(m.shape());
                heap.add(new double[] {counted, m.heapAboveBaseline() - counted, m.heapAboveBaseline()});
            }
        }
        double[] cd = garbageFit(heap);
        return new CostModel(slope, intercept, cd[0], cd[1], origin);
    }

    /** Proofs with extensions of at least 2^this points inform the heap fit (see {@link #fit}). */
    static final int HEAP_FIT_LOG_LDE = 19;

    /**
     * Fits residual = c x through the origin (x: the counted bytes; residual: measured minus counted heap), weighting
     * each proof by its measured heap squared, so that the error is relative to what is predicted; c >= 0. Returns
     * {c, 0}: the intercept is kept in the model's format, but a fitted one extrapolated badly. Measured at -Xmx6g
     * -XX:NewRatio=7 (the launcher's young generation): the garbage at the peak is 0.6-0.85 times the count on the
     * calibration circuits of 2^16-2^17 rows, 0.5-0.7 on ResNet-8's 2^16-row segments, 0.8-1.0 on its 2^17-row ones,
     * and 0.5 on the GPT decoder's 2^16-row segments, whose count is twice as large. A line through the calibration
     * points (slope 1.28, intercept -233 MiB) fitted ResNet-8 within -17% .. -6% but put the GPT decoder's wide
     * segments at -30% and its 2^14-row one at +60% (2026-12-05 13:15-13:20, docs/prediction.md); the multiple
     * alone keeps all of them within about 15%.
     */
    static double[] garbageFit(List<double[]> points) {
        double sxx = 0, sxy = 0;
        for (double[] p : points) {
            double wt = 1 / (p[2] * p[2]);
            sxx += wt * p[0] * p[0];
            sxy += wt * p[0] * p[1];
        }
        return new double[] {sxx == 0 ? 0 : Math.max(0, sxy / sxx), 0};
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
                + System.getProperty("java.specification.version") + "-" + cpuModel().hashCode() + "-" + heapKey();
    }

    /**
     * The heap settings the garbage fit depends on: the maximum heap (to 512 MiB), and the young generation's sizing
     * when a flag sets it (the launcher passes -XX:NewRatio=7). A JVM with another heap calibrates its own model: G1's garbage at
     * a proof's peak grows with the young generation it is allowed.
     */
    static String heapKey() {
        // to the nearest 512 MiB: the JVM's default heap (a quarter of the machine's memory: 6,032 MiB here) and the
        // same size asked for (-Xmx6g: 6,144 MiB) share a model
        long mib = Math.max(1, Math.round(Runtime.getRuntime().maxMemory() / (512.0 * (1 << 20)))) * 512;
        StringBuilder k = new StringBuilder("heap").append(mib).append('m');
        try {
            com.sun.management.HotSpotDiagnosticMXBean hs = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            for (String flag : new String[] {"NewRatio", "NewSize", "MaxNewSize"}) {
                com.sun.management.VMOption o = hs.getVMOption(flag);
                if (o.getOrigin() != com.sun.management.VMOption.Origin.DEFAULT
                        && o.getOrigin() != com.sun.management.VMOption.Origin.ERGONOMIC) {
                    k.append('-').append(flag).append(o.getValue());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // another JVM: the maximum heap alone
        }
        return k.toString();
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
            // absent in a cache written before it was measured: the spread is then unknown, not zero
            double spread = p.getProperty("timeSpread") == null ? Double.NaN : coefficient(p, "timeSpread");
            CostModel m = new CostModel(s, b, coefficient(p, "heapGarbagePerByte"), coefficient(p, "heapBase"),
                    "cached, calibrated " + at.toString().substring(0, 10) + " (" + file + ")", at,
                    Double.parseDouble(load), spread);
            Prediction check = m.predict(new ProofShape(10, 12, 11, 8, 8, 4, 6, 3, 8, 200, 6, 28));
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
        p.setProperty("heapGarbagePerByte", Double.toString(m.garbagePerByte));
        p.setProperty("heapBase", Double.toString(m.heapBase));
        if (!Double.isNaN(m.timeSpread)) {
            p.setProperty("timeSpread", Double.toString(m.timeSpread));
        }
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
        return b.append(String.format(Locale.ROOT, "; heap counted x (1 + %.2f) + %.0f; time spread %.3f]",
                garbagePerByte, heapBase, timeSpread)).toString();
    }
}
