package dev.zkscope.segment;

import dev.zkscope.compile.model.Src;
import dev.zkscope.compile.model.Step;
import dev.zkscope.compile.model.Steps;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tensors a step of the layer IR reads. Every step kind holds its operands as {@link Src} elements in fields of
 * type {@code Src}, {@code Src[]} or {@code Src[][]}, or (dot products) as {@link Steps.Dot.Operand}s; this reads
 * those fields, so that a step kind added later is
 * covered without a second list of operands to keep in step. A step that hid a tensor read elsewhere would not go
 * unnoticed: a segment compiled without that tensor fails in the lowering ("has no cells yet") and in evaluation.
 */
final class StepReads {
    private StepReads() {}

    private static final Map<Class<?>, List<Field>> FIELDS = new ConcurrentHashMap<>();

    /** The tensor ids {@code s} reads (parameters included, constants excluded). */
    static BitSet of(Step s) {
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

    private static void collect(Object v, BitSet out) {
        if (v instanceof Src src) {
            if (!src.isConstant()) {
                out.set(src.tensor());
            }
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
                    if (t == Src.class || t == Steps.Dot.Operand.class) {
                        f.setAccessible(true);
                        fs.add(f);
                    }
                }
            }
            return fs;
        });
    }
}
