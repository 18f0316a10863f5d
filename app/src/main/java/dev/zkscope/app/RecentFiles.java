package dev.zkscope.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The most recently opened model files, newest first, kept in a {@link SettingsStore}. */
public final class RecentFiles {
    static final String KEY = "recentFiles";
    static final int MAX = 8;

    private final SettingsStore store;

    public RecentFiles(SettingsStore store) {
        this.store = store;
    }

    /** Recent files that still exist, newest first. */
    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (String s : store.get(KEY, "").split("\n")) {
            if (!s.isBlank()) {
                Path p = Path.of(s);
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** The model opened last, or null. */
    public Path last() {
        List<Path> l = list();
        return l.isEmpty() ? null : l.get(0);
    }

    public void add(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> l = new ArrayList<>(list());
        l.remove(abs);
        l.add(0, abs);
        List<String> keep = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX, l.size()); i++) {
            keep.add(l.get(i).toString());
        }
        store.put(KEY, String.join("\n", keep));
    }
}
