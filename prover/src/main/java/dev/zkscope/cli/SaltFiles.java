package dev.zkscope.cli;

import dev.zkscope.compile.Salts;
import dev.zkscope.ir.InputFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Salt files: one salt as 64 hex digits ({@link Salts#hex}) on a line of its own; lines starting with '#' are
 * comments. The owner keeps the file secret: with it, anyone can test a guess of the hashed values.
 */
final class SaltFiles {
    private SaltFiles() {}

    static long[] read(Path file, String option) throws InputFileException {
        if (!Files.isRegularFile(file)) {
            throw new InputFileException(option + " " + file + (Files.exists(file) ? " is not a file"
                    : " does not exist (make one with 'zkscope commit MODEL --salt-file " + file + "')"));
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new InputFileException(option + " " + file + " cannot be read: " + e.getMessage());
        }
        String hex = null;
        for (String l : lines) {
            String t = l.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (hex != null) {
                throw new InputFileException(option + " " + file + " holds more than one salt line");
            }
            hex = t;
        }
        if (hex == null) {
            throw new InputFileException(option + " " + file + " holds no salt (64 hex digits, as 'zkscope commit' writes)");
        }
        try {
            return Salts.parse(hex);
        } catch (IllegalArgumentException e) {
            throw new InputFileException(option + " " + file + ": " + e.getMessage());
        }
    }

    static void write(Path file, long[] salt, String what) throws InputFileException {
        String text = "# zkscope salt for " + what + ": keep it secret; every proof made with it carries the same "
                + "commitment\n" + Salts.hex(salt) + "\n";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, text.getBytes(StandardCharsets.UTF_8));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the file keeps the default permissions
            }
        } catch (IOException e) {
            throw new InputFileException("cannot write salt file " + file + ": " + e.getMessage());
        }
    }
}
