package dev.zkscope.segment;

import dev.zkscope.predict.CostModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The factor each segmented run of a model ended with ({@link RunCorrection}), kept beside the cost model's cache, so
 * that the next run of the same model, settings and plan under the same calibration predicts its first segment with
 * it. The factor holds what the cost model gets wrong on this model's circuits (they are not like its calibration
 * circuits: Poseidon2 gates for the links, tens of LogUp fractions) as well as the machine's state then.
 *
 * <p>Over this day's 18 runs of ResNet-8 under cost model version 15, the first segment was outside +-30% in 9 as
 * predicted and in 3 with the factor of the run before it (docs/prediction.md). A missing, unreadable or foreign file
 * is no factor (1): the store never stops a proof.
 */
public final class RunFactors {
    private RunFactors() {}

    /** The store's file: beside the cost model's cache ({@code zkscope.cache} in tests). */
    static Path file() {
        return CostModel.cacheFile().resolveSibling("run-factors.properties");
    }

    /**
     * The key of a run: its model, settings and plan ({@link SegmentedProof#fingerprint}, hex) and the calibration its
     * predictions come from (a new calibration starts without factors).
     */
    static String key(byte[] fingerprint, CostModel cost) {
        return KeyBundle.hex(fingerprint) + "@" + cost.calibratedAt().toEpochMilli();
    }

    /** The factor the last run with this key ended with, or 1 when there is none. */
    static double factor(String key) {
        return factor(file(), key);
    }

    static double factor(Path file, String key) {
        Properties p = read(file);
        String v = p.getProperty(key);
        if (v == null) {
            return 1;
        }
        try {
            double f = Double.parseDouble(v);
            return f > 0 && Double.isFinite(f) ? f : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Keeps the factor a run ended with; a store that cannot be written is left as it was. */
    static void record(String key, double factor) {
        record(file(), key, factor);
    }

    static synchronized void record(Path file, String key, double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            return;
        }
        Properties p = read(file);
        p.setProperty(key, Double.toString(factor));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "run-factors", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "zkscope: the factor each segmented run ended with (measured / predicted time)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // a prediction aid: not worth failing a proof over
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                return new Properties();
            }
        }
        return p;
    }
}
