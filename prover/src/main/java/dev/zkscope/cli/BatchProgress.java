package dev.zkscope.cli;

import dev.zkscope.batch.BatchOutcome;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Progress of the tasks of a job on stderr (the proofs of prove-batch, the segments of prove --spark): tasks done of
 * the total, tasks per minute, and per executor its count and throughput. On a terminal one line rewritten in place;
 * otherwise a line at every tenth of the job.
 */
final class BatchProgress {
    private final String noun;
    private final int total;
    private final PrintWriter err;
    private final boolean terminal;
    private final long t0 = System.nanoTime();
    private final Map<String, Integer> byExecutor = new TreeMap<>();
    private int count;
    private long lastPrint;

    BatchProgress(int total, PrintWriter err, boolean terminal) {
        this("proofs", total, err, terminal);
    }

    /** Progress of {@code total} tasks called {@code noun} ("proofs", "segments"). */
    BatchProgress(String noun, int total, PrintWriter err, boolean terminal) {
        this.noun = noun;
        this.total = total;
        this.err = err;
        this.terminal = terminal;
    }

    int count() {
        return count;
    }

    void done(BatchOutcome.Proved p) {
        done(p.executor());
    }

    /** One more task finished, on {@code executor}. */
    void done(String executor) {
        count++;
        byExecutor.merge(executor, 1, Integer::sum);
        long now = System.nanoTime();
        int step = Math.max(1, total / 10);
        boolean print = terminal ? now - lastPrint > 200_000_000L || count == total : count % step == 0 || count == total;
        if (!print) {
            return;
        }
        lastPrint = now;
        double wall = (now - t0) / 1e9;
        String line = String.format(Locale.ROOT, "proved %d/%d %s(%.0f%%), %.1f %s/min; %s", count, total,
                noun.equals("proofs") ? "" : noun + " ", 100.0 * count / Math.max(1, total),
                count * 60 / Math.max(wall, 1e-9), noun, perExecutor(wall));
        if (terminal) {
            err.print("\r" + line + (count == total ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** "executor 0@host: 12 (30.1/min), ..." over {@code wallSeconds}. */
    String perExecutor(double wallSeconds) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : byExecutor.entrySet()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s: %d (%.1f/min)", e.getKey(),
                    e.getValue(), e.getValue() * 60 / Math.max(wallSeconds, 1e-9)));
        }
        return b.length() == 0 ? "no " + noun : b.toString();
    }
}
