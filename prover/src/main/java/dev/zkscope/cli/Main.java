package dev.zkscope.cli;

import dev.zkscope.ir.InputFileException;

import dev.zkscope.ir.BadInputException;
import dev.zkscope.ir.UnsupportedModelException;
import dev.zkscope.onnx.ModelLoadException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The zkscope command line. Exit codes: 0 success, 2 bad usage or bad input (one line on stderr, no stack trace),
 * 1 internal error (one line plus a hint to rerun with --debug, which prints the stack trace).
 *
 * <p>Subcommands are classes listed in {@link Command#subcommands()} below; {@code prove}, {@code verify} and
 * {@code bench} are added there the same way.
 */
@Command(name = "zkscope", mixinStandardHelpOptions = true, version = "zkscope 0.1.0",
        description = "Inspect, run, quantize and prove ONNX models as Plonkish circuits.",
        subcommands = {InspectCommand.class, InferCommand.class, CommitCommand.class, ProveCommand.class, VerifyCommand.class,
                BenchCommand.class, CalibrateCommand.class, ZooCommand.class, ProveBatchCommand.class,
                VerifyBatchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (inspect, infer, ...)");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(errWriter);
        cl.setParameterExceptionHandler((ex, a) -> {
            errWriter.println("zkscope: " + ex.getMessage() + " (see 'zkscope " + commandPath(ex.getCommandLine())
                    + "--help')");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            int code = exitCode(ex);
            if (code == BAD_INPUT) {
                errWriter.println("zkscope: " + oneLine(ex.getMessage()));
            } else {
                errWriter.println("zkscope: internal error: " + oneLine(String.valueOf(ex))
                        + (debug ? "" : " (run with --debug for details)"));
            }
            if (debug) {
                ex.printStackTrace(errWriter);
            }
            return code;
        });
        try {
            return cl.execute(rest);
        } catch (OutOfMemoryError e) {
            err.println(outOfMemory());
            return BAD_INPUT;
        } catch (RuntimeException | Error e) {
            err.println("zkscope: internal error: " + oneLine(String.valueOf(e)) + (debug ? "" : " (run with --debug for details)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return INTERNAL_ERROR;
        }
    }

    /**
     * The last resort when a prediction missed: what ran out and what to do, as {@link
     * dev.zkscope.predict.HeapPreflight} says it before allocating.
     */
    static String outOfMemory() {
        return "zkscope: out of memory (maximum heap " + dev.zkscope.predict.HeapPreflight.bytes(
                Runtime.getRuntime().maxMemory()) + "). To go on: " + dev.zkscope.predict.HeapPreflight.advice();
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder b = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            b.insert(0, c.getCommandName() + " ");
        }
        return b.toString();
    }

    /** 2 for errors of the user's input, 1 for everything else. */
    static int exitCode(Throwable e) {
        if (e instanceof ModelLoadException || e instanceof BadInputException || e instanceof UnsupportedModelException
                || e instanceof InputFileException || e instanceof CommandLine.ParameterException
                || e instanceof dev.zkscope.compile.CompileException || e instanceof dev.zkscope.compile.WitnessException
                || e instanceof dev.zkscope.api.Pipeline.ConstraintViolationException
                || e instanceof dev.zkscope.api.ArtifactFiles.FormatException
                || e instanceof dev.zkscope.predict.HeapPreflight.HeapLimitException) {
            return BAD_INPUT;
        }
        return INTERNAL_ERROR;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.replace('\r', ' ').replace('\n', ' ').trim();
        return t.length() > 2000 ? t.substring(0, 2000) + "..." : t;
    }
}
