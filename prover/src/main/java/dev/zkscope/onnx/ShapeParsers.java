package dev.zkscope.onnx;

import dev.zkscope.ir.Op;
import dev.zkscope.ir.Shapes;
import dev.zkscope.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Parsers of the shape and data-movement family and the reductions. Inputs that carry shapes, axes, starts or pads
 * (attributes in early opsets, inputs in later ones) are read here as constants and become attributes of the op.
 */
final class ShapeParsers {
    private ShapeParsers() {}

    static void register(OpRegistry r) {
        r.add("Reshape", ShapeParsers::reshape);
        r.add("DepthToSpace", c -> new Op.SpaceDepth(true, c.stringAttr("mode", "DCR").equals("CRD"),
                (int) c.intAttr("blocksize", 0)));
        r.add("SpaceToDepth", c -> new Op.SpaceDepth(false, false, (int) c.intAttr("blocksize", 0)));
        r.add("Tile", c -> {
            Tensor reps = c.constant(1);
            if (reps == null) {
                return c.unsupported("Tile with repeats computed at run time");
            }
            c.keep(0);
            return new Op.Tile(reps.toInts());
        });
        r.add("CumSum", c -> {
            Tensor ax = c.constant(1);
            if (ax == null || ax.size() != 1) {
                return c.unsupported("CumSum with an axis computed at run time");
            }
            c.keep(0);
            return new Op.CumSum(Shapes.axis((int) ax.get(0), c.rank(0)), c.intAttr("exclusive", 0) != 0,
                    c.intAttr("reverse", 0) != 0);
        });
        r.add("Flatten", c -> {
            int[] x = c.shape(0);
            int axis = (int) c.intAttr("axis", 1);
            int a = axis < 0 ? axis + x.length : axis;
            if (a < 0 || a > x.length) {
                throw new IllegalArgumentException("Flatten axis " + axis + " out of range for rank " + x.length);
            }
            return new Op.Reshape(new int[] {Shapes.product(x, 0, a), Shapes.product(x, a, x.length)});
        });
        r.add("Squeeze", ShapeParsers::squeeze);
        r.add("Unsqueeze", ShapeParsers::unsqueeze);
        r.add("Transpose", c -> {
            int rank = c.rank(0);
            int[] perm = c.intsAttr("perm");
            if (perm == null) {
                perm = new int[rank];
                for (int i = 0; i < rank; i++) {
                    perm[i] = rank - 1 - i;
                }
            }
            return new Op.Transpose(perm);
        });
        // Concat: axis defaulted to 1 in opset 1-3 and is required from opset 4.
        r.add("Concat", c -> new Op.Concat(Shapes.axis(c.intAttr("axis", c.opset() < 4 ? 1 : 0), c.rank(0))));
        r.add("Slice", ShapeParsers::slice);
        r.add("Split", ShapeParsers::split);
        r.add("Pad", ShapeParsers::pad);
        r.add("ReduceMean", c -> reduce(c, Op.ReduceKind.MEAN, 18));
        r.add("ReduceSum", c -> reduce(c, Op.ReduceKind.SUM, 13));
        r.add("ReduceMax", c -> reduce(c, Op.ReduceKind.MAX, 18));
        r.add("ReduceMin", c -> reduce(c, Op.ReduceKind.MIN, 18));
        r.add("ReduceL1", c -> reduce(c, Op.ReduceKind.L1, 18));
        r.add("ReduceL2", c -> reduce(c, Op.ReduceKind.L2, 18));
        r.add("ReduceSumSquare", c -> reduce(c, Op.ReduceKind.SUM_SQUARE, 18));
        r.add("ReduceLogSumExp", c -> reduce(c, Op.ReduceKind.LOG_SUM_EXP, 18));
        r.add("Shape", c -> {
            int rank = c.rank(0);
            int start = clampAxis(c.intAttr("start", 0), rank);
            int end = clampAxis(c.intAttr("end", rank), rank);
            return new Op.ShapeOf(start, Math.max(start, end));
        });
        r.add("Gather", c -> new Op.Gather(Shapes.axis(c.intAttr("axis", 0), c.rank(0))));
        r.add("ConstantOfShape", c -> {
            int[] shape = NodeContext.toInts(c.requireConstant(0, "ConstantOfShape shape").toLongs(), "shape");
            Tensor v = null;
            if (c.tensorAttr("value") != null) {
                v = TensorDecoder.decode(c.tensorAttr("value"), c.name() + ".value");
            }
            double value = v == null ? 0 : OpRegistry.scalar(v, "ConstantOfShape value");
            Tensor.checkedSize(shape);
            c.keep();
            return new Op.ConstantOfShape(shape, value, v == null ? Tensor.DType.FLOAT : v.dtype());
        });
    }

    private static int clampAxis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return (int) Math.max(0, Math.min(rank, v));
    }

    private static Op reshape(NodeContext c) {
        int[] x = c.shape(0);
        long[] target = c.requireConstant(1, "Reshape shape").toLongs();
        boolean allowZero = c.intAttr("allowzero", 0) != 0;
        int[] out = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (i >= x.length) {
                    throw new IllegalArgumentException("Reshape copies dimension " + i + " which the input lacks");
                }
                t = x[i];
            }
            if (t == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("Reshape shape has more than one -1");
                }
                infer = i;
                continue;
            }
            if (t < 0 || t > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException("Reshape dimension " + t + " is invalid");
            }
            out[i] = (int) t;
            known *= t;
            if (known > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException("Reshape target has too many elements");
            }
        }
        long total = Tensor.elementCount(x);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot infer the -1 dimension reshaping " + Arrays.toString(x)
                        + " to " + Arrays.toString(target));
            }
            out[infer] = (int) (total / known);
        }
        c.keep(0);
        return new Op.Reshape(out);
    }

    /** Axes from an attribute (before {@code inputSince}) or from input 1 (from then on); null if absent. */
    private static long[] axes(NodeContext c, int inputSince) {
        if (c.opset() < inputSince) {
            return c.longsAttr("axes");
        }
        if (c.has(1)) {
            return c.requireConstant(1, c.opType() + " axes").toLongs();
        }
        return null;
    }

    private static Op squeeze(NodeContext c) {
        int[] x = c.shape(0);
        long[] axes = axes(c, 13);
        TreeSet<Integer> drop = new TreeSet<>();
        if (axes == null) {
            for (int i = 0; i < x.length; i++) {
                if (x[i] == 1) {
                    drop.add(i);
                }
            }
        } else {
            for (long a : axes) {
                int n = Shapes.axis(a, x.length);
                if (x[n] != 1) {
                    throw new IllegalArgumentException("Squeeze axis " + a + " has size " + x[n] + ", not 1");
                }
                drop.add(n);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!drop.contains(i)) {
                out.add(x[i]);
            }
        }
        c.keep(0);
        return new Op.Reshape(out.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Op unsqueeze(NodeContext c) {
        int[] x = c.shape(0);
        long[] axes = axes(c, 13);
        if (axes == null) {
            throw new IllegalArgumentException("Unsqueeze needs axes");
        }
        int rank = x.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int n = Shapes.axis(a, rank);
            if (inserted[n]) {
                throw new IllegalArgumentException("Unsqueeze axes repeat " + a);
            }
            inserted[n] = true;
        }
        int[] out = new int[rank];
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : x[k++];
        }
        c.keep(0);
        return new Op.Reshape(out);
    }

    private static Op slice(NodeContext c) {
        int[] x = c.shape(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (c.opset() < 10) {
            starts = c.longsAttr("starts");
            ends = c.longsAttr("ends");
            axes = c.longsAttr("axes");
        } else {
            starts = c.requireConstant(1, "Slice starts").toLongs();
            ends = c.requireConstant(2, "Slice ends").toLongs();
            axes = c.has(3) ? c.requireConstant(3, "Slice axes").toLongs() : null;
            steps = c.has(4) ? c.requireConstant(4, "Slice steps").toLongs() : null;
        }
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new IllegalArgumentException("Slice needs starts and ends of equal length");
        }
        if (axes == null) {
            axes = new long[starts.length];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        if (axes.length != starts.length || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("Slice starts, ends, axes and steps differ in length");
        }
        int[] st = new int[x.length];
        int[] sp = new int[x.length];
        int[] cnt = x.clone();
        Arrays.fill(sp, 1);
        boolean[] seen = new boolean[x.length];
        for (int i = 0; i < starts.length; i++) {
            int a = Shapes.axis(axes[i], x.length);
            if (seen[a]) {
                throw new IllegalArgumentException("Slice axis " + a + " repeated");
            }
            seen[a] = true;
            long step = steps == null ? 1 : steps[i];
            if (step == 0 || Math.abs(step) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Slice step " + step + " is invalid");
            }
            long n = x[a];
            long s = starts[i];
            long e = ends[i];
            s = s < 0 ? Math.max(s, -n - 1) + n : s;
            e = e < 0 ? Math.max(e, -n - 1) + n : e;
            long count;
            if (step > 0) {
                s = Math.min(Math.max(s, 0), n);
                e = Math.min(Math.max(e, 0), n);
                count = e > s ? (e - s + step - 1) / step : 0;
            } else {
                s = Math.min(Math.max(s, 0), n - 1);
                e = Math.min(Math.max(e, -1), n - 1);
                count = s > e ? (s - e + (-step) - 1) / (-step) : 0;
            }
            st[a] = (int) (count > 0 ? s : 0);
            sp[a] = (int) step;
            cnt[a] = (int) count;
        }
        c.keep(0);
        return new Op.Slice(st, sp, cnt);
    }

    private static Op split(NodeContext c) {
        int[] x = c.shape(0);
        int axis = Shapes.axis(c.intAttr("axis", 0), x.length);
        long[] sizes;
        if (c.opset() < 13) {
            sizes = c.longsAttr("split");
        } else {
            sizes = c.has(1) ? c.requireConstant(1, "Split sizes").toLongs() : null;
        }
        int n = c.outputCount();
        int[] out;
        if (sizes != null) {
            out = NodeContext.toInts(sizes, "split");
        } else {
            int parts = c.hasAttr("num_outputs") ? (int) c.intAttr("num_outputs", n) : n;
            if (parts < 1) {
                throw new IllegalArgumentException("Split into " + parts + " parts");
            }
            int chunk = (x[axis] + parts - 1) / parts;
            out = new int[parts];
            int left = x[axis];
            for (int i = 0; i < parts; i++) {
                out[i] = Math.min(chunk, left);
                left -= out[i];
            }
            if (c.opset() < 18 && x[axis] % parts != 0) {
                throw new IllegalArgumentException("Split of " + x[axis] + " into " + parts + " equal parts");
            }
        }
        c.keep(0);
        return new Op.Split(axis, out);
    }

    private static Op pad(NodeContext c) {
        int[] x = c.shape(0);
        String modeName = c.stringAttr("mode", "constant");
        Op.PadMode mode;
        switch (modeName) {
            case "constant": mode = Op.PadMode.CONSTANT; break;
            case "reflect": mode = Op.PadMode.REFLECT; break;
            case "edge": mode = Op.PadMode.EDGE; break;
            default: return c.unsupported("Pad mode '" + modeName + "'");
        }
        long[] pads;
        double value = 0;
        long[] axes = null;
        if (c.opset() < 11) {
            pads = c.longsAttr(c.opset() < 2 ? "paddings" : "pads");
            value = c.floatAttr("value", 0);
        } else {
            pads = c.requireConstant(1, "Pad pads").toLongs();
            if (c.has(2)) {
                value = OpRegistry.scalar(c.requireConstant(2, "Pad constant_value"), "Pad constant_value");
            }
            if (c.has(3)) {
                axes = c.requireConstant(3, "Pad axes").toLongs();
            }
        }
        if (pads == null) {
            throw new IllegalArgumentException("Pad needs pads");
        }
        if (axes == null) {
            axes = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw new IllegalArgumentException("Pad has " + pads.length + " pads for " + axes.length + " axes");
        }
        int[] begins = new int[x.length];
        int[] ends = new int[x.length];
        for (int i = 0; i < axes.length; i++) {
            int a = Shapes.axis(axes[i], x.length);
            long b = pads[i];
            long e = pads[axes.length + i];
            if (b < 0 || e < 0) {
                return c.unsupported("negative pads (cropping)");
            }
            if (b > Tensor.MAX_ELEMENTS || e > Tensor.MAX_ELEMENTS) {
                throw new IllegalArgumentException("pad of " + Math.max(b, e) + " is absurd");
            }
            begins[a] = (int) b;
            ends[a] = (int) e;
        }
        c.keep(0);
        return new Op.Pad(begins, ends, mode, value);
    }

    private static Op reduce(NodeContext c, Op.ReduceKind kind, int axesInputSince) {
        int rank = c.rank(0);
        long[] axes = axes(c, axesInputSince);
        boolean keep = c.intAttr("keepdims", 1) != 0;
        c.keep(0);
        if (axes == null || axes.length == 0) {
            if (c.intAttr("noop_with_empty_axes", 0) != 0) {
                return new Op.Identity();
            }
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return new Op.Reduce(kind, all, keep);
        }
        TreeSet<Integer> set = new TreeSet<>();
        for (long a : axes) {
            set.add(Shapes.axis(a, rank));
        }
        return new Op.Reduce(kind, set.stream().mapToInt(Integer::intValue).toArray(), keep);
    }
}
