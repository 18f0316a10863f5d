package dev.zkscope.cluster;

import dev.zkscope.api.ArtifactFiles;
import dev.zkscope.api.ProveRun;
import dev.zkscope.segment.KeyBundle;
import dev.zkscope.segment.SegmentProver;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What one segment task returns to the driver: the proved segment as plain serialisable data (its key file's bytes,
 * public values, proof, output values and what proving it measured), or an error of the model or the input that a
 * retry would only repeat. No trace, witness or key travels: a proved segment is its proof (tens to hundreds of KiB)
 * and its boundary output.
 */
sealed interface SegmentOutcome extends Serializable permits SegmentOutcome.Proved, SegmentOutcome.Failed {
    int index();

    String executor();

    /**
     * A proved segment.
     *
     * @param keyFile      its key file ({@link ArtifactFiles#encode(ArtifactFiles.KeyFile)})
     * @param phaseNames   the phases as they ran, with their starts (relative to the segment's start) and times
     * @param startNanos   when the segment started, relative to the run's start on the driver's clock (wall clock)
     */
    record Proved(int index, byte[] keyFile, int usedRows, int linkRows, String span, int logN, long[] publicValues,
                  byte[] proof, long[] output, String[] phaseNames, long[] phaseStarts, long[] phaseNanos,
                  LinkedHashMap<String, Long> phaseTotals, long startNanos, long totalNanos, long proveNanos,
                  long baselineHeap, long peakHeap, int adviceColumns, String executor, int attempt, long startMillis,
                  long endMillis) implements SegmentOutcome {

        static Proved of(SegmentProver.Proved p, String executor, int attempt, long startMillis, long endMillis) {
            SegmentProver.Measure m = p.measure();
            List<ProveRun.Phase> tl = m.timeline();
            String[] names = new String[tl.size()];
            long[] starts = new long[tl.size()];
            long[] nanos = new long[tl.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = tl.get(i).name();
                starts[i] = tl.get(i).startNanos();
                nanos[i] = tl.get(i).nanos();
            }
            return new Proved(p.index(), ArtifactFiles.encode(p.key().keyFile()), p.key().usedRows(),
                    p.key().linkRows(), p.key().span(), p.logN(), p.publicValues(), p.proof(), p.output(), names,
                    starts, nanos, new LinkedHashMap<>(m.phaseNanos()), m.startNanos(), m.totalNanos(),
                    m.proveNanos(), m.baselineHeap(), m.peakHeap(), m.adviceColumns(), executor, attempt, startMillis,
                    endMillis);
        }

        /** The proved segment as the driver's {@link dev.zkscope.segment.SegmentedProof} takes it. */
        SegmentProver.Proved toProved() throws ArtifactFiles.FormatException {
            List<ProveRun.Phase> tl = new ArrayList<>(phaseNames.length);
            for (int i = 0; i < phaseNames.length; i++) {
                tl.add(new ProveRun.Phase(phaseNames[i], phaseStarts[i], phaseNanos[i]));
            }
            SegmentProver.Measure m = new SegmentProver.Measure(tl, phaseTotals, startNanos, totalNanos, proveNanos,
                    baselineHeap, peakHeap, null, adviceColumns);
            KeyBundle.Entry key = new KeyBundle.Entry(ArtifactFiles.decodeKey(keyFile), usedRows, linkRows, span);
            return new SegmentProver.Proved(index, key, logN, publicValues, proof, output, m);
        }
    }

    /** The segment cannot be proved for a reason in the model, the settings or the input: the job stops at once. */
    record Failed(int index, String message, String executor) implements SegmentOutcome { }
}
