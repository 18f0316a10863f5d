package dev.zkscope.app;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The settings of where and how proofs run, which do not change the circuit (so they never recompile): the segment
 * budget that Prove uses, and the cluster that the Cluster tab proves batches on ("none" for this JVM, "local[N]" for
 * embedded Spark, or a master URL). Both are set in the Settings tab and kept with the user's other preferences.
 */
final class ProvingSettings {
    static final String MAX_ROWS_KEY = "maxRowsPerSegment";
    static final String CLUSTER_KEY = "cluster";

    private final ObjectProperty<SegmentBudget> maxRows = new SimpleObjectProperty<>(this, "maxRows");
    private final StringProperty cluster = new SimpleStringProperty(this, "cluster");

    ProvingSettings(SettingsStore store) {
        maxRows.set(SegmentBudget.parse(store.get(MAX_ROWS_KEY, "off")));
        cluster.set(normalCluster(store.get(CLUSTER_KEY, "none")));
        maxRows.addListener((o, a, b) -> store.put(MAX_ROWS_KEY, (b == null ? SegmentBudget.OFF : b).toString()));
        cluster.addListener((o, a, b) -> store.put(CLUSTER_KEY, normalCluster(b)));
    }

    /** Max rows per segment for the next proof: off, auto or 2^k. */
    ObjectProperty<SegmentBudget> maxRowsProperty() {
        return maxRows;
    }

    /** The cluster: "none", "local[N]", "local[*]" or a master URL such as spark://HOST:7077. */
    StringProperty clusterProperty() {
        return cluster;
    }

    static String normalCluster(String s) {
        return s == null || s.isBlank() ? "none" : s.strip();
    }
}
