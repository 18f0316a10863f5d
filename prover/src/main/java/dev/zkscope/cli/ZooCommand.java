package dev.zkscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zkscope.compile.CompileException;
import dev.zkscope.compile.CompileOptions;
import dev.zkscope.compile.CompiledModel;
import dev.zkscope.compile.CostLedger;
import dev.zkscope.compile.ModelCompiler;
import dev.zkscope.compile.estimate.EstimateParams;
import dev.zkscope.compile.estimate.Estimates;
import dev.zkscope.ir.Graph;
import dev.zkscope.ir.InputFiles;
import dev.zkscope.ir.Tensor;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.ir.BadInputException;
import dev.zkscope.onnx.OnnxImporter;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofShape;
import dev.zkscope.predict.CostModel;
import dev.zkscope.predict.HeapPreflight;
import dev.zkscope.quant.Calibrator;
import dev.zkscope.quant.QuantOptions;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zkscope zoo [DIR] [--markdown FILE] [--json]}: one line per ONNX model of a directory (by default the
 * generated zoo, samples/zoo): parameters, MACs, the exact circuit's rows, trace height, advice cells and lookups
 * (counting mode, no trace built), the same model under the other arithmetizations (estimates), the predicted proof
 * time and peak heap on this machine (the calibrated cost model), and whether it fits this machine or what limits it.
 * The README's zoo table is this command's Markdown.
 */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = {"Table of every ONNX model in DIR (default samples/zoo): params, MACs, rows, trace height, advice "
                + "cells, lookups, the other arithmetizations' estimates, predicted prove time and heap on this "
                + "machine, and whether it fits (or the limiting resource).",
                "Calibrates on NAME.calib.npy beside each model when present (else as inspect does). "
                        + "Example: zkscope zoo samples/zoo --markdown zoo.md"})
public final class ZooCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "directory of .onnx models (default: samples/zoo)")
    Path dir;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the table as Markdown to FILE")
    Path markdown;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--preset", paramLabel = "NAME", defaultValue = "standard",
            description = "proof parameters of the predictions (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--no-predict", description = "skip the time and memory prediction (and its one-time calibration)")
    boolean noPredict;

    @Option(names = "--calibration-rows", paramLabel = "N", defaultValue = "4",
            description = "calibration inputs used per model (default: ${DEFAULT-VALUE})")
    int calibrationRows;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One model's figures; {@code note} says why later columns are empty. */
    record Row(String model, long params, long macs, long rows, int logN, long adviceCells, long lookups,
               long r1cs, long ezklRows, long gkrMults, double proveSeconds, long heapBytes, String fits,
               double countSeconds, String note) {
    }

    @Override
    public Integer call() throws Exception {
        Path d = dir != null ? dir : Path.of("samples", "zoo");
        if (!Files.isDirectory(d)) {
            throw new BadInputException("no directory " + d + " (generate the zoo with /usr/bin/python3 "
                    + "samples/zoo/make_zoo.py, or give a directory of .onnx models)");
        }
        if (calibrationRows < 1) {
            throw new BadInputException("--calibration-rows must be at least 1, got " + calibrationRows);
        }
        List<Path> models;
        try (Stream<Path> s = Files.list(d)) {
            models = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
        }
        if (models.isEmpty()) {
            throw new BadInputException("no .onnx models in " + d);
        }
        if (markdown != null) {
            OutputFiles.requireWritable(java.util.Map.of("--markdown", markdown));
        }
        ProofParameters params = ProveCommand.preset(preset);
        CostModel cm = null;
        PrintWriter err = spec.commandLine().getErr();
        if (!noPredict) {
            ModelOptions.noteCalibration(err);
            cm = CostModel.loadOrCalibrate();
        }
        List<Row> rows = new ArrayList<>();
        for (Path m : models) {
            err.println("zkscope: " + m.getFileName() + "...");
            rows.add(row(m, params, cm));
        }
        PrintWriter out = spec.commandLine().getOut();
        String md = markdown(rows, params, cm);
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(rows)));
        } else {
            out.print(md);
        }
        if (markdown != null) {
            writeAtomically(markdown, md);
        }
        out.flush();
        return Main.OK;
    }

    private Row row(Path model, ProofParameters params, CostModel cm) {
        String name = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        Graph g;
        try {
            g = new OnnxImporter().load(model);
        } catch (Exception e) {
            return new Row(name, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "-", 0, "not loaded: " + e.getMessage());
        }
        long params0 = g.totalParams();
        long macs = g.totalMacs();
        if (!g.unsupported().isEmpty()) {
            return new Row(name, params0, macs, 0, 0, 0, 0, 0, 0, 0, 0, 0, "-", 0,
                    "unsupported ops: " + unsupported(g));
        }
        long t0 = System.nanoTime();
        CompiledModel counted;
        try {
            Path calib = model.resolveSibling(name + ".calib.npy");
            List<List<Tensor>> inputs = Files.exists(calib) ? InputFiles.readCalibration(calib, g)
                    : InputFiles.calibrationSamples(g, model, null).inputs();
            inputs = inputs.subList(0, Math.min(calibrationRows, inputs.size()));
            HeapPreflight.require("calibrating " + name, HeapPreflight.calibrationBytes(g, inputs.size()));
            var cal = Calibrator.calibrate(g, inputs, QuantOptions.defaults());
            // counting reads only the quantized weights: the float ones (8 bytes per parameter) can go
            dev.zkscope.quant.QuantizedGraph q = cal.graph().withoutFloatWeights();
            cal = null;
            g = null;
            CompileOptions co = CompileOptions.defaults().withReservedRows(params.reservedRows())
                    .withMinLogNAtLeast(params.minLogN()).withMaxLogN(InspectCommand.MAX_COUNTED_LOG_N);
            double domain = Math.max(co.inputAbsMax(), maxAbs(inputs));
            counted = ModelCompiler.count(q, co.withInputAbsMax(domain));
        } catch (UnsupportedModelException | CompileException | BadInputException e) {
            return new Row(name, params0, macs, 0, 0, 0, 0, 0, 0, 0, 0, 0, "-", 0, "not compiled: " + e.getMessage());
        } catch (Exception e) {
            return new Row(name, params0, macs, 0, 0, 0, 0, 0, 0, 0, 0, 0, "-", 0, "failed: " + e);
        } catch (OutOfMemoryError e) {
            return new Row(name, params0, macs, 0, 0, 0, 0, 0, 0, 0, 0, 0, "-", 0, "out of memory while counting at "
                    + "maximum heap " + HeapPreflight.bytes(HeapPreflight.maxHeap()));
        }
        double countSeconds = (System.nanoTime() - t0) / 1e9;
        CostLedger l = counted.ledger();
        Estimates.Totals est = counted.estimateTotals(EstimateParams.forCircuit(counted));
        double seconds = 0;
        long heap = HeapPreflight.witnessBytes(l);
        String fits;
        if (l.logN() > CompileOptions.defaults().maxLogN()) {
            fits = "no: 2^" + l.logN() + " rows > one proof's 2^" + CompileOptions.defaults().maxLogN()
                    + " (segment it)";
        } else {
            ProofShape shape = ProofShape.of(counted.constraintSystem(), params);
            heap += HeapPreflight.proveBytes(shape, cm);
            if (cm != null) {
                seconds = cm.predict(shape).proveSeconds();
            }
            fits = fits(heap);
        }
        if (cm == null) {
            seconds = Double.NaN;
        }
        return new Row(name, params0, macs, l.gadgetRows(), l.logN(), l.totalAdviceCells(), l.totalLookups(),
                est.r1csConstraints(), est.ezklRows(), est.gkrFieldMults(), seconds, heap, fits, countSeconds, "");
    }

    /** "yes", or the resource that limits: this JVM's heap (with the -Xmx that fits) or the machine's memory. */
    static String fits(long heapBytes) {
        long ram = physicalMemory();
        if (heapBytes <= HeapPreflight.maxHeap()) {
            return "yes";
        }
        if (ram > 0 && heapBytes > ram) {
            return "no: memory (needs " + HeapPreflight.bytes(heapBytes) + ", machine has " + HeapPreflight.bytes(ram) + ")";
        }
        return "with -Xmx" + ((heapBytes + (1L << 30) - 1) >> 30) + "g";
    }

    static long physicalMemory() {
        try {
            var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot JVM: the machine's memory is unknown
        }
        return -1;
    }

    private static double maxAbs(List<List<Tensor>> inputs) {
        double max = 0;
        for (List<Tensor> in : inputs) {
            for (Tensor t : in) {
                for (double v : t.data()) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        return max == 0 ? 0 : Math.pow(2, Math.ceil(Math.log(max) / Math.log(2)));
    }

    private static String unsupported(Graph g) {
        java.util.TreeMap<String, Integer> ops = new java.util.TreeMap<>();
        for (var n : g.unsupported()) {
            ops.merge(n.opType(), 1, Integer::sum);
        }
        return ops.toString().replaceAll("[{}]", "");
    }

    static String markdown(List<Row> rows, ProofParameters params, CostModel cm) {
        StringBuilder b = new StringBuilder();
        b.append("| model | params | MACs | rows | trace | advice cells | lookups | R1CS constraints | EZKL-style rows "
                + "| GKR field mults | predicted prove | predicted heap | fits this machine |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            if (!r.note().isEmpty()) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |||||||||\n", r.model(), count(r.params()),
                        count(r.macs()), r.note().replace("|", "/")));
                continue;
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | 2^%d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    r.model(), count(r.params()), count(r.macs()), count(r.rows()), r.logN(), count(r.adviceCells()),
                    count(r.lookups()), count(r.r1cs()), count(r.ezklRows()), count(r.gkrMults()),
                    Double.isNaN(r.proveSeconds()) || r.proveSeconds() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.1f s", r.proveSeconds()),
                    HeapPreflight.bytes(r.heapBytes()), r.fits()));
        }
        b.append(String.format(Locale.ROOT, "\nPreset %s; heap: filled trace and witness plus the proving key and the "
                        + "prover's extended columns; this JVM's maximum heap %s, machine memory %s.%s%n", params.name(),
                HeapPreflight.bytes(HeapPreflight.maxHeap()), HeapPreflight.bytes(Math.max(0, physicalMemory())),
                cm == null ? " No time predictions (--no-predict)." : " Times from the cost model " + cm.origin() + "."));
        return b.toString();
    }

    /** 1.2k, 3.4M, 5.6G: the table's magnitudes. */
    static String count(long v) {
        if (v >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        }
        if (v >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 10_000L) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return Long.toString(v);
    }

    private static ArrayNode toJson(List<Row> rows) {
        ObjectMapper m = new ObjectMapper();
        ArrayNode a = m.createArrayNode();
        for (Row r : rows) {
            ObjectNode o = a.addObject();
            o.put("model", r.model());
            o.put("params", r.params());
            o.put("macs", r.macs());
            if (!r.note().isEmpty()) {
                o.put("note", r.note());
                continue;
            }
            o.put("gadget_rows", r.rows());
            o.put("log_n", r.logN());
            o.put("advice_cells", r.adviceCells());
            o.put("lookups", r.lookups());
            o.put("r1cs_constraints", r.r1cs());
            o.put("ezkl_rows", r.ezklRows());
            o.put("gkr_field_mults", r.gkrMults());
            if (!Double.isNaN(r.proveSeconds())) {
                o.put("predicted_prove_seconds", r.proveSeconds());
            }
            o.put("predicted_heap_bytes", r.heapBytes());
            o.put("fits", r.fits());
            o.put("count_seconds", r.countSeconds());
        }
        return a;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
