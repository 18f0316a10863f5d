package dev.zkscope.cli;

import dev.zkscope.ir.InputFileException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a command writes: checked before any long work, and written all or nothing.
 *
 * <p>{@link #requireWritable} runs before proving: every path must be distinct, not a directory, and its folder must
 * exist (or be creatable) and accept a new file, which is tested by creating and deleting a temporary file there, the
 * only test that sees read-only mounts, ACLs and full quotas alike. {@link #writeAll} then writes each file to a
 * temporary sibling and only when all are written moves them into place (an atomic rename within a folder), so a
 * failure leaves no partial or half-updated set of files behind.
 */
final class OutputFiles {
    private OutputFiles() {}

    /** Refuses, before any work, output paths that cannot be written; keys describe each file ("proof", ...). */
    static void requireWritable(Map<String, Path> files) throws InputFileException {
        Map<Path, String> seen = new HashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            Path p = e.getValue();
            if (p == null) {
                continue;
            }
            Path abs = p.toAbsolutePath().normalize();
            String other = seen.put(abs, e.getKey());
            if (other != null) {
                throw new InputFileException("the " + other + " file and the " + e.getKey() + " file are both " + p
                        + "; give different paths");
            }
            if (Files.isDirectory(abs)) {
                throw new InputFileException("cannot write " + e.getKey() + " file " + p + ": it is a directory");
            }
            if (Files.exists(abs) && !Files.isWritable(abs)) {
                throw new InputFileException("cannot write " + e.getKey() + " file " + p + ": the file exists and is "
                        + "not writable");
            }
            Path dir = abs.getParent();
            try {
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Path probe = Files.createTempFile(dir, ".zkscope-probe", ".tmp");
                Files.delete(probe);
            } catch (IOException | SecurityException ex) {
                throw new InputFileException("cannot write " + e.getKey() + " file " + p + ": its folder "
                        + (dir == null ? "" : dir + " ") + "does not accept new files (" + reason(ex) + ")");
            }
        }
    }

    /** Writes one file atomically (a temporary sibling, then a rename). */
    static void write(Path file, byte[] data, String what) throws InputFileException {
        Map<String, Path> one = new LinkedHashMap<>();
        one.put(what, file);
        writeAll(one, Map.of(what, data));
    }

    /**
     * Writes every file (by description) atomically and all or nothing: all contents go to temporary siblings first;
     * if one cannot be written, the temporary files are deleted and no target is touched.
     */
    static void writeAll(Map<String, Path> files, Map<String, byte[]> contents) throws InputFileException {
        List<Path[]> staged = new ArrayList<>();
        try {
            for (Map.Entry<String, Path> e : files.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                Path target = e.getValue().toAbsolutePath().normalize();
                Path tmp;
                try {
                    Path dir = target.getParent();
                    if (dir != null) {
                        Files.createDirectories(dir);
                    }
                    tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
                    staged.add(new Path[] {tmp, target});
                    Files.write(tmp, contents.get(e.getKey()));
                } catch (IOException | SecurityException ex) {
                    throw new InputFileException("cannot write " + e.getKey() + " file " + e.getValue() + ": "
                            + reason(ex) + "; nothing was written");
                }
            }
            for (Path[] s : staged) {
                try {
                    try {
                        Files.move(s[0], s[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException ex) {
                        Files.move(s[0], s[1], StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException ex) {
                    throw new InputFileException("cannot move the written file into place at " + s[1] + ": "
                            + reason(ex));
                }
            }
            staged.clear();
        } finally {
            for (Path[] s : staged) {
                try {
                    Files.deleteIfExists(s[0]);
                } catch (IOException ignored) {
                    // Best effort: a leftover hidden temporary file is harmless.
                }
            }
        }
    }

    /** What went wrong, in words (no exception class names reach the user). */
    private static String reason(Exception e) {
        String what = e.getMessage() == null ? "" : " " + e.getMessage();
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file is in the way:" + what;
        }
        if (e instanceof java.nio.file.AccessDeniedException || e instanceof SecurityException) {
            return "permission denied:" + what;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such folder:" + what;
        }
        if (e instanceof java.nio.file.FileSystemException) {
            String r = ((java.nio.file.FileSystemException) e).getReason();
            return (r == null ? "file system error" : r) + ":" + what;
        }
        return e.getMessage() == null ? "I/O error" : e.getMessage();
    }
}
