package dev.zkscope.app;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javafx.concurrent.Task;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * File > Export: the report as JSON, CSV or self-contained HTML, every chart as PNG, and the last proof with its
 * verifying key. Files are written in the background; the user hears of success or of what went wrong.
 */
final class Exporter {
    static final int CHART_W = 1400;
    static final int CHART_H = 700;

    private final MainViewModel vm;
    private final ProveViewModel pvm;
    private final Executor executor;
    private final Notifier notifier;
    private final Supplier<Map<String, JFreeChart>> charts;

    Exporter(MainViewModel vm, ProveViewModel pvm, Executor executor, Notifier notifier,
             Supplier<Map<String, JFreeChart>> charts) {
        this.vm = vm;
        this.pvm = pvm;
        this.executor = executor;
        this.notifier = notifier;
        this.charts = charts;
    }

    private Analysis require() {
        Analysis a = vm.analysis();
        if (a == null) {
            notifier.error("Nothing to export", "Open a model and wait until it is analysed (see the status bar).");
        }
        return a;
    }

    private String stem() {
        String n = vm.session().displayName();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    void report(Window owner, String kind) {
        Analysis a = require();
        if (a == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Export report as " + kind.toUpperCase());
        fc.setInitialFileName(stem() + "-report." + kind);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind.toUpperCase(), "*." + kind));
        File f = fc.showSaveDialog(owner);
        if (f == null) {
            return;
        }
        List<CompletedRun> runs = pvm.runsSnapshot();
        Map<String, JFreeChart> cs = charts.get();
        write(f.toPath(), () -> {
            switch (kind) {
                case "json":
                    return Report.json(a, runs).getBytes(StandardCharsets.UTF_8);
                case "csv":
                    return Report.csv(a).getBytes(StandardCharsets.UTF_8);
                default:
                    return Report.html(a, runs, pngs(cs)).getBytes(StandardCharsets.UTF_8);
            }
        });
    }

    void chartsAsPng(Window owner) {
        Map<String, JFreeChart> cs = charts.get();
        if (cs.isEmpty()) {
            notifier.error("No charts yet", "Open a model and wait until it is compiled: the charts appear then.");
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Export charts as PNG into...");
        File dir = dc.showDialog(owner);
        if (dir == null) {
            return;
        }
        String stem = stem();
        run("Charts written to " + dir, () -> {
            for (Map.Entry<String, byte[]> e : pngs(cs).entrySet()) {
                Files.write(dir.toPath().resolve(stem + "-" + e.getKey().toLowerCase().replaceAll("[^a-z0-9]+", "-")
                        + ".png"), e.getValue());
            }
        });
    }

    void proofFiles(Window owner) {
        CompletedRun r = pvm.lastProperty().get();
        if (r == null) {
            notifier.error("No proof yet", "Press Prove first (Proof > Prove); then export the proof and its key.");
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Save proof and verifying key into...");
        File dir = dc.showDialog(owner);
        if (dir == null) {
            return;
        }
        String stem = stem() + "-run" + r.id();
        run("Proof and verifying key written to " + dir, () -> {
            if (r.isSegmented()) {
                // a bundle and its key bundle, as 'zkscope prove --max-rows' writes them ('zkscope verify' reads both)
                Files.write(dir.toPath().resolve(stem + ".bundle"), r.proof());
                Files.write(dir.toPath().resolve(stem + ".bundle.vk"), r.segmented().keys().encode());
                return;
            }
            Files.write(dir.toPath().resolve(stem + ".proof"), r.proof());
            Files.write(dir.toPath().resolve(stem + ".vk"), r.vk().toBytes());
        });
    }

    static Map<String, byte[]> pngs(Map<String, JFreeChart> cs) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, JFreeChart> e : cs.entrySet()) {
            out.put(e.getKey(), png(e.getValue()));
        }
        return out;
    }

    static byte[] png(JFreeChart c) {
        BufferedImage img = c.createBufferedImage(CHART_W, CHART_H);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    interface Bytes {
        byte[] get() throws IOException;
    }

    interface Body {
        void run() throws IOException;
    }

    private void write(Path file, Bytes body) {
        run("Wrote " + file, () -> Files.write(file, body.get()));
    }

    private void run(String done, Body body) {
        Task<Void> t = new Task<>() {
            @Override
            protected Void call() throws Exception {
                body.run();
                return null;
            }
        };
        t.setOnSucceeded(e -> notifier.info(done));
        t.setOnFailed(e -> notifier.error("Export failed", t.getException().getMessage()
                + "\n\nCheck that the folder exists and is writable, then try again."));
        executor.execute(t);
    }
}
