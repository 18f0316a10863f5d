package dev.zkscope.predict;

import dev.zkscope.compile.CostLedger;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.Node;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;

import java.util.Locale;

/**
 * Before anything large is allocated (the calibration activations, the filled trace and witness, the prover's
 * low-degree extensions), the heap it will need is predicted and compared with what this JVM may still allocate. A
 * need above it is a {@link HeapLimitException} with the figure and what to do, never an OutOfMemoryError halfway.
 *
 * <p>The predictions are upper-bound-minded sums of the arrays that dominate, in bytes:
 * <ul>
 *   <li>calibration: the sample inputs plus three inferences' worth of activations (float and quantized evaluators
 *       keep a run's intermediate tensors, 8 bytes per element) plus the kept float outputs;</li>
 *   <li>the filled layout and witness ({@link #witnessBytes}): the fixed columns (built row by row, then copied to the
 *       circuit: 16 bytes per cell), the advice trace in signed integers and in the field (16 bytes per cell), one
 *       copy constraint object graph per copy (about 100 bytes) and one witness generator per row (about 64 bytes);</li>
 *   <li>proving ({@link #proveBytes}): the proving key's extended fixed columns and their Merkle tree (16 bytes per
 *       extended point), and the prover's own extended columns as the calibrated {@link CostModel} predicts them, or,
 *       without one, 16 bytes per extended point of every column the prover commits.</li>
 * </ul>
 * The limit is {@code Runtime.maxMemory()} less the heap in use (system property {@code zkscope.heapLimit}, in bytes,
 * replaces maxMemory: tests and users who know better).
 */
public final class HeapPreflight {
    private HeapPreflight() {}

    /** The predicted need does not fit the heap: the message says the figure and what to do. Exit code 2. */
    public static final class HeapLimitException extends RuntimeException {
        private final long neededBytes;
        private final long availableBytes;

        public HeapLimitException(String message, long neededBytes, long availableBytes) {
            super(message);
            this.neededBytes = neededBytes;
            this.availableBytes = availableBytes;
        }

        public long neededBytes() { return neededBytes; }
        public long availableBytes() { return availableBytes; }
    }

    /** The heap this JVM may grow to ({@code -Xmx}), or the {@code zkscope.heapLimit} property when set. */
    public static long maxHeap() {
        Long forced = Long.getLong("zkscope.heapLimit");
        return forced != null ? forced : Runtime.getRuntime().maxMemory();
    }

    /** The heap still free to allocate: the maximum less what is in use now (garbage counted as in use). */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        return Math.max(0, maxHeap() - used);
    }

    /** What to do when memory is short, for every refusal and for the last-resort OutOfMemoryError message. */
    public static String advice() {
        return "give Java more heap (JAVA_OPTS=-Xmx" + suggestXmx(maxHeap() * 2) + " ./zkscope ..., or java -Xmx... -jar), "
                + "use fewer or smaller calibration inputs (--calibration with fewer rows), a smaller batch, or "
                + "segment the circuit (--max-rows) so that each proof holds part of the trace";
    }

    /**
     * Refuses (throws {@link HeapLimitException}) when {@code neededBytes} exceeds the free heap. Collects garbage
     * first when the need is close, so that only real shortage is refused.
     */
    public static void require(String what, long neededBytes) {
        long free = available();
        if (neededBytes <= free) {
            return;
        }
        System.gc();
        free = available();
        if (neededBytes <= free) {
            return;
        }
        throw new HeapLimitException(String.format(Locale.ROOT, "not enough memory for %s: it needs about %s of heap, "
                        + "%s is free (maximum heap %s). To go on: %s", what, bytes(neededBytes), bytes(free),
                bytes(maxHeap()), advice()), neededBytes, free);
    }

    /**
     * Bytes of calibrating {@code graph} on {@code samples} inputs: one scale candidate's quantized weights (8 bytes
     * per parameter; the calibrator holds one candidate at a time, beside the float weights already in the heap), the
     * sample inputs and outputs, and three inferences' worth of activations (see the class comment).
     */
    public static long calibrationBytes(Graph graph, int samples) {
        long inputs = 0;
        for (Graph.Value v : graph.inputs()) {
            inputs += elements(v.shape());
        }
        long activations = 0;
        long outputs = 0;
        for (Node n : graph.nodes()) {
            for (int[] s : n.outputShapes()) {
                activations += elements(s);
            }
        }
        for (Graph.Value v : graph.outputs()) {
            outputs += elements(v.shape());
        }
        return 8L * graph.totalParams() + 8L * (samples * (inputs + outputs) + 3 * activations);
    }

    /**
     * Bytes of counting the circuit of {@code graph} once it is quantized, beyond the heap in use with its float
     * weights loaded: {@code inspect} releases the float weights after calibrating, and the quantized ones (8 bytes per
     * parameter each way) take their place, so the weights do not enter. What does: the layer IR, about
     * {@link #IR_BYTES_PER_ACTIVATION} per activation element (element references in primitive form, 1.4-2.1 bytes per
     * step output measured on gpt2tiny and the attention sample, a node lowering to a few steps), and the cells of the
     * live tensors and the gadget scratch of the step being placed, about {@link #STEP_BYTES_PER_ELEMENT} per element of
     * the largest node output (a cell object and its slots in the input, output and scratch arrays). Dot products hold
     * no per-multiply-add state, so the MACs do not enter.
     */
    public static long countBytes(Graph graph) {
        long activations = 0;
        long largest = 0;
        for (Node n : graph.nodes()) {
            for (int[] s : n.outputShapes()) {
                activations += elements(s);
                largest = Math.max(largest, elements(s));
            }
        }
        return IR_BYTES_PER_ACTIVATION * activations + STEP_BYTES_PER_ELEMENT * largest;
    }

    /** Layer IR per activation element (see {@link #countBytes}). */
    static final long IR_BYTES_PER_ACTIVATION = 16;

    /** Live cells and gadget scratch per element of the largest node output (see {@link #countBytes}). */
    static final long STEP_BYTES_PER_ELEMENT = 256;

    /** Bytes of the filled layout and one witness of the circuit that {@code ledger} counts. */
    public static long witnessBytes(CostLedger ledger) {
        long n = 1L << ledger.logN();
        return 16L * n * ledger.numFixed() + 16L * n * ledger.numAdvice() + 100L * ledger.totalCopies()
                + 64L * ledger.gadgetRows();
    }

    /**
     * Bytes of proving: the key's extended fixed columns and the prover's extended columns ({@code model} null: the
     * uncalibrated 16 bytes per extended point of each committed column).
     */
    public static long proveBytes(ProofShape shape, CostModel model) {
        return proveBytes(shape, model, false);
    }

    /** As {@link #proveBytes(ProofShape, CostModel)}; with {@code keyDerived} the key is already in the heap. */
    public static long proveBytes(ProofShape shape, CostModel model, boolean keyDerived) {
        double lde = Math.scalb(1.0, shape.logLde());
        long key = keyDerived ? 0 : (long) (16 * lde * shape.fixedColumns());
        long prover = model != null ? model.predict(shape).heapBytesAboveBaseline()
                : (long) (16 * lde * shape.proverColumns());
        return key + prover;
    }

    /** Bytes of proving the circuit {@code ledger} counts, from its shape under {@code params}. */
    public static long proveBytes(dev.zkscope.plonk.ConstraintSystem cs, ProofParameters params, CostModel model) {
        return proveBytes(ProofShape.of(cs, params), model);
    }

    private static long elements(int[] shape) {
        long p = 1;
        if (shape == null) {
            return 0;
        }
        for (int d : shape) {
            p *= Math.max(d, 1);
        }
        return p;
    }

    /** A byte count for people: "512 MiB", "3.2 GiB". */
    public static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%d MiB", b >> 20);
        }
        return String.format(Locale.ROOT, "%d KiB", Math.max(1, b >> 10));
    }

    /** An -Xmx value at least {@code b}: "8g", "512m". */
    static String suggestXmx(long b) {
        long g = (b + (1L << 30) - 1) >> 30;
        return g >= 1 ? g + "g" : ((b + (1L << 20) - 1) >> 20) + "m";
    }
}
