package dev.zkscope.compile.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tensors a step of the layer IR reads. Every step kind holds its operands in fields of type {@link Src},
 * {@code Src[]}, {@code Src[][]}, {@link Srcs}, {@link SrcWindows} or (dot products) {@link Steps.Dot.Operand}; this
 * reads those fields, so that a step kind added later is covered without a second list of operands to keep in step.
 * Segments ({@code segment.StepReads}) and the counting layout's release of tensors no later step reads
 * ({@code ModelCompiler}) both rely on it; a step that hid a read would fail there ("has no cells yet"), not silently.
 */
public final class StepOperands {
    private StepOperands() {}

    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    /** The tensor ids {@code s} reads (parameters included, constants excluded). */
    public static BitSet reads(Step s) {
        BitSet out = new BitSet();
        for (Field f : fields(s.getClass())) {
            Object v;
            try {
                v = f.get(s);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read operands of " + s.getClass().getSimpleName(), e);
            }
            collect(v, out);
        }
        return out;
    }

    /**
     * For each tensor of {@code model}, the index of the last step that reads it (-1: no step reads it). A tensor's
     * cells are not needed after that step, except an output's.
     */
    public static int[] lastReads(QModel model) {
        int[] last = new int[model.tensorCount()];
        java.util.Arrays.fill(last, -1);
        List<Step> steps = model.steps();
        for (int i = 0; i < steps.size(); i++) {
            BitSet r = reads(steps.get(i));
            for (int t = r.nextSetBit(0); t >= 0; t = r.nextSetBit(t + 1)) {
                last[t] = i;
            }
        }
        return last;
    }

    /** Bytes a {@link Src} object and its array slot take (compressed references). */
    static final long SRC_BYTES = 32 + 4;

    /**
     * Bytes of the element references a step holds (its {@link Src}s, {@link Srcs}, {@link SrcWindows}, dot product
     * {@link Steps.Dot.Operand}s and {@link Coefs}): the part of the layer IR that grows with the activations. The
     * memory tests and the inspect preflight read it.
     */
    public static long referenceBytes(Step s) {
        long bytes = 0;
        for (Class<?> x = s.getClass(); x != null && x != Object.class; x = x.getSuperclass()) {
            for (Field f : x.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    bytes += referenceBytes(f.get(s));
                } catch (IllegalAccessException | RuntimeException e) {
                    throw new IllegalStateException("cannot read operands of " + s.getClass().getSimpleName(), e);
                }
            }
        }
        return bytes;
    }

    private static long referenceBytes(Object v) {
        if (v instanceof Srcs srcs) {
            return srcs.heapBytes();
        }
        if (v instanceof SrcWindows w) {
            return w.heapBytes();
        }
        if (v instanceof Coefs c) {
            return c.heapBytes();
        }
        if (v instanceof Steps.Dot.Operand op) {
            return op.isTensor() ? 0 : 16L * op.size();
        }
        if (v instanceof Src) {
            return SRC_BYTES;
        }
        if (v instanceof long[] a) {
            return 8L * a.length;
        }
        if (v instanceof Object[] arr) {
            long b = 4L * arr.length;
            for (Object o : arr) {
                b += referenceBytes(o);
            }
            return b;
        }
        return 0;
    }

    private static void collect(Object v, BitSet out) {
        if (v instanceof Src src) {
            if (!src.isConstant()) {
                out.set(src.tensor());
            }
        } else if (v instanceof Srcs srcs) {
            srcs.readTensors(out);
        } else if (v instanceof SrcWindows windows) {
            windows.readTensors(out);
        } else if (v instanceof Steps.Dot.Operand op) {
            op.readTensors(out);
        } else if (v instanceof Object[] arr) {
            for (Object o : arr) {
                collect(o, out);
            }
        }
    }

    private static List<Field> fields(Class<?> c) {
        return FIELDS.computeIfAbsent(c, k -> {
            List<Field> fs = new ArrayList<>();
            for (Class<?> x = k; x != null && x != Object.class; x = x.getSuperclass()) {
                for (Field f : x.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    Class<?> t = f.getType();
                    while (t.isArray()) {
                        t = t.getComponentType();
                    }
                    if (t == Src.class || t == Srcs.class || t == SrcWindows.class || t == Steps.Dot.Operand.class) {
                        f.setAccessible(true);
                        fs.add(f);
                    }
                }
            }
            return fs;
        });
    }
}
