package dev.zkscope.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Einsum equation with one or two operands, planned once for the operand shapes as permutations and sums around one
 * batched matrix product (the form of every matmul-like equation: "bij,bjk->bik", "bhqd,bhkd->bhqk", "ij->ji",
 * "ij->i"). Labels are letters; the output is explicit ("->") or implicit (the labels seen once, in alphabetical
 * order). Refused with an IllegalArgumentException naming the reason: ellipses ("..."), a label repeated within one
 * operand (a diagonal), more than two operands, sizes that disagree, output labels not in any operand.
 *
 * <p>Plan for A, B: labels of A alone that the output drops are summed out of A first (likewise for B); the rest are
 * batch (in A, B and the output), contracted (in A and B only), kept-A and kept-B. A is permuted to [batch, keptA,
 * contracted] and B to [batch, contracted, keptB], multiplied as nb matrices [M x K] . [K x N]
 * ({@link MatKernels#gemm}), and the [batch, keptA, keptB] result permuted to the output order. One operand: sums,
 * then a permutation.
 */
public final class Einsum {
    private final String equation;
    private final List<int[]> shapes;
    private final int[] outShape;
    // Per operand: labels to sum out first (as axes), then the permutation of what remains.
    private final int[][] sumAxes;
    private final int[][] reducedShapes;
    private final int[][] perms;
    private final int nb;
    private final int m;
    private final int k;
    private final int n;
    private final int[] productShape;
    private final int[] outPerm;

    private Einsum(String equation, List<int[]> shapes) {
        this.equation = equation;
        this.shapes = shapes;
        String eq = equation.replace(" ", "");
        if (eq.contains(".")) {
            throw new IllegalArgumentException("Einsum '" + equation + "': ellipses ('...') are not supported");
        }
        String[] sides = eq.split("->", -1);
        String[] ins = sides[0].split(",", -1);
        if (ins.length != shapes.size()) {
            throw new IllegalArgumentException("Einsum '" + equation + "' names " + ins.length + " operand(s) but "
                    + shapes.size() + " were given");
        }
        if (ins.length > 2) {
            throw new IllegalArgumentException("Einsum '" + equation + "': at most two operands are supported");
        }
        int[] size = new int[128];
        Arrays.fill(size, -1);
        int[] count = new int[128];
        for (int o = 0; o < ins.length; o++) {
            String s = ins[o];
            if (s.length() != shapes.get(o).length) {
                throw new IllegalArgumentException("Einsum '" + equation + "': operand " + o + " has rank "
                        + shapes.get(o).length + " but its subscript '" + s + "' has " + s.length() + " labels");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!Character.isLetter(c) || c >= 128) {
                    throw new IllegalArgumentException("Einsum '" + equation + "': label '" + c + "' is not a letter");
                }
                if (s.indexOf(c) != i) {
                    throw new IllegalArgumentException("Einsum '" + equation + "': label '" + c + "' repeats within "
                            + "operand " + o + " (a diagonal), which is not supported");
                }
                int d = shapes.get(o)[i];
                if (size[c] >= 0 && size[c] != d) {
                    throw new IllegalArgumentException("Einsum '" + equation + "': label '" + c + "' has sizes "
                            + size[c] + " and " + d);
                }
                size[c] = d;
                count[c]++;
            }
        }
        String out;
        if (sides.length == 2) {
            out = sides[1];
            for (char c : out.toCharArray()) {
                if (c >= 128 || size[c] < 0 || out.indexOf(c) != out.lastIndexOf(c)) {
                    throw new IllegalArgumentException("Einsum '" + equation + "': output label '" + c + "' is not an "
                            + "operand label or repeats");
                }
            }
        } else {
            StringBuilder b = new StringBuilder();
            for (char c = 'A'; c <= 'z'; c++) {
                if (Character.isLetter(c) && count[c] == 1) {
                    b.append(c);
                }
            }
            out = b.toString();
        }
        outShape = new int[out.length()];
        for (int i = 0; i < out.length(); i++) {
            outShape[i] = size[out.charAt(i)];
        }
        String a = ins[0];
        String bs = ins.length == 2 ? ins[1] : "";
        sumAxes = new int[ins.length][];
        reducedShapes = new int[ins.length][];
        String[] kept = new String[ins.length];
        for (int o = 0; o < ins.length; o++) {
            String s = ins[o];
            String other = o == 0 ? bs : a;
            List<Integer> axes = new ArrayList<>();
            StringBuilder rest = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (out.indexOf(c) < 0 && other.indexOf(c) < 0) {
                    axes.add(i);
                } else {
                    rest.append(c);
                }
            }
            sumAxes[o] = axes.stream().mapToInt(Integer::intValue).toArray();
            kept[o] = rest.toString();
            reducedShapes[o] = new int[rest.length()];
            for (int i = 0; i < rest.length(); i++) {
                reducedShapes[o][i] = size[rest.charAt(i)];
            }
        }
        StringBuilder batch = new StringBuilder();
        StringBuilder contract = new StringBuilder();
        StringBuilder keepA = new StringBuilder();
        StringBuilder keepB = new StringBuilder();
        for (char c : kept[0].toCharArray()) {
            boolean inB = ins.length == 2 && kept[1].indexOf(c) >= 0;
            boolean inOut = out.indexOf(c) >= 0;
            if (inB && inOut) {
                batch.append(c);
            } else if (inB) {
                contract.append(c);
            } else {
                keepA.append(c);
            }
        }
        if (ins.length == 2) {
            for (char c : kept[1].toCharArray()) {
                if (kept[0].indexOf(c) < 0) {
                    keepB.append(c);
                }
            }
        }
        perms = new int[ins.length][];
        perms[0] = positions(kept[0], batch + keepA.toString() + contract);
        if (ins.length == 2) {
            perms[1] = positions(kept[1], batch + contract.toString() + keepB);
        }
        nb = product(size, batch);
        m = product(size, keepA);
        k = product(size, contract);
        n = product(size, keepB);
        String prod = batch.toString() + keepA + keepB;
        productShape = new int[prod.length()];
        for (int i = 0; i < prod.length(); i++) {
            productShape[i] = size[prod.charAt(i)];
        }
        outPerm = positions(prod, out);
    }

    /** Plans {@code equation} for operands of the given shapes; IllegalArgumentException if it is not supported. */
    public static Einsum plan(String equation, List<int[]> shapes) {
        return new Einsum(equation, List.copyOf(shapes));
    }

    public String equation() {
        return equation;
    }

    public int[] outputShape() {
        return outShape.clone();
    }

    /** Multiply-adds of one evaluation (the product's; the sums and permutations are linear). */
    public long macs() {
        return (long) nb * m * k * n;
    }

    /** The result in doubles, row-major in {@link #outputShape()}. */
    public double[] apply(List<double[]> operands) {
        double[] a = prepare(operands.get(0), 0);
        if (operands.size() == 1) {
            return permute(a, reducedPermuted(0), outPermForOne());
        }
        double[] b = prepare(operands.get(1), 1);
        double[] c = new double[Math.multiplyExact(nb, Math.multiplyExact(m, n))];
        boolean outer = nb > 1 && (long) m * k * n < MatKernels.PARALLEL_WORK;
        MatKernels.run(nb, macs(), outer, p -> MatKernels.gemm(a, p * m * k, b, p * k * n, c, p * m * n, m, k, n, !outer));
        return permute(c, productShape, outPerm);
    }

    /**
     * The result on integers, exactly: sums of the summed-out labels are checked, and the product runs in doubles when
     * max|A| times the largest column sum of |B| is at most 2^53 (exact, see {@link MatKernels#fitsExactDouble}),
     * else in unchecked longs when that bound fits a long, else an ArithmeticException before any product.
     */
    public long[] applyExact(List<long[]> operands) {
        long[] a = prepareExact(operands.get(0), 0);
        if (operands.size() == 1) {
            return permute(a, reducedPermuted(0), outPermForOne());
        }
        long[] b = prepareExact(operands.get(1), 1);
        long colSum = 0;
        for (int p = 0; p < nb; p++) {
            colSum = Math.max(colSum, MatKernels.maxColAbsSum(b, p * k * n, k, n));
        }
        long aMax = MatKernels.maxAbs(a);
        long[] c = new long[Math.multiplyExact(nb, Math.multiplyExact(m, n))];
        boolean outer = nb > 1 && (long) m * k * n < MatKernels.PARALLEL_WORK;
        if (MatKernels.fitsExactDouble(aMax, colSum, 0)) {
            double[] af = MatKernels.toDoubles(a);
            double[] bf = MatKernels.toDoubles(b);
            double[] cf = new double[c.length];
            MatKernels.run(nb, macs(), outer, p -> MatKernels.gemm(af, p * m * k, bf, p * k * n, cf, p * m * n, m, k, n,
                    !outer));
            for (int i = 0; i < c.length; i++) {
                c[i] = (long) cf[i];
            }
        } else if (MatKernels.fitsLong(aMax, colSum, 0)) {
            MatKernels.run(nb, macs(), outer, p -> MatKernels.gemm(a, p * m * k, b, p * k * n, c, p * m * n, m, k, n,
                    !outer));
        } else {
            throw new ArithmeticException("Einsum '" + equation + "' accumulators may exceed 2^63");
        }
        return permute(c, productShape, outPerm);
    }

    // ---- planning helpers

    private int[] reducedPermuted(int o) {
        int[] s = new int[perms[o].length];
        for (int i = 0; i < s.length; i++) {
            s[i] = reducedShapes[o][perms[o][i]];
        }
        return s;
    }

    /** One operand: after the sums and the first permutation (batch, keptA), the order of the output. */
    private int[] outPermForOne() {
        // productShape is batch + keepA + keepB; with one operand batch and keepB are empty, so it is keepA's order.
        return outPerm;
    }

    private double[] prepare(double[] v, int o) {
        double[] r = sum(v, shapes.get(o), sumAxes[o]);
        return permute(r, reducedShapes[o], perms[o]);
    }

    private long[] prepareExact(long[] v, int o) {
        long[] r = sumExact(v, shapes.get(o), sumAxes[o]);
        return permute(r, reducedShapes[o], perms[o]);
    }

    private static int[] positions(String from, String to) {
        int[] p = new int[to.length()];
        for (int i = 0; i < p.length; i++) {
            p[i] = from.indexOf(to.charAt(i));
        }
        return p;
    }

    private static int product(int[] size, CharSequence labels) {
        int p = 1;
        for (int i = 0; i < labels.length(); i++) {
            p = Math.multiplyExact(p, size[labels.charAt(i)]);
        }
        return p;
    }

    /** For each element of a [shape] tensor in row-major order, its index in the tensor with {@code axes} summed. */
    private static int[] sumTargets(int[] shape, int[] axes) {
        int[] keep = shape.clone();
        for (int a : axes) {
            keep[a] = 1;
        }
        return Shapes.broadcastIndex(keep, shape);
    }

    private static double[] sum(double[] v, int[] shape, int[] axes) {
        if (axes.length == 0) {
            return v;
        }
        int[] to = sumTargets(shape, axes);
        double[] out = new double[v.length == 0 ? 0 : Arrays.stream(to).max().getAsInt() + 1];
        for (int i = 0; i < v.length; i++) {
            out[to[i]] += v[i];
        }
        return out;
    }

    private static long[] sumExact(long[] v, int[] shape, int[] axes) {
        if (axes.length == 0) {
            return v;
        }
        int[] to = sumTargets(shape, axes);
        long[] out = new long[v.length == 0 ? 0 : Arrays.stream(to).max().getAsInt() + 1];
        for (int i = 0; i < v.length; i++) {
            out[to[i]] = Math.addExact(out[to[i]], v[i]);
        }
        return out;
    }

    /** Source index of each element of the [shape] tensor permuted by {@code perm} (out axis i = in axis perm[i]). */
    private static int[] gather(int[] shape, int[] perm) {
        int[] st = Tensor.strides(shape);
        int[] os = new int[perm.length];
        int[] src = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            os[i] = shape[perm[i]];
            src[i] = st[perm[i]];
        }
        int size = Tensor.checkedSize(os);
        int[] idx = new int[size];
        Kernels.Walker w = new Kernels.Walker(os, src);
        for (int i = 0; i < size; i++) {
            idx[i] = w.offsets[0];
            w.next();
        }
        return idx;
    }

    private static boolean identity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static double[] permute(double[] v, int[] shape, int[] perm) {
        if (identity(perm)) {
            return v;
        }
        int[] idx = gather(shape, perm);
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    private static long[] permute(long[] v, int[] shape, int[] perm) {
        if (identity(perm)) {
            return v;
        }
        int[] idx = gather(shape, perm);
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }
}
