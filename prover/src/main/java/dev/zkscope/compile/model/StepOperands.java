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
