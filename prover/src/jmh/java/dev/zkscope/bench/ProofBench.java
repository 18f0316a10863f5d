package dev.zkscope.bench;

import dev.zkscope.plonk.Proof;
import dev.zkscope.plonk.ProofParameters;
import dev.zkscope.plonk.ProofSystem;
import dev.zkscope.plonk.ProvingKey;
import dev.zkscope.plonk.SyntheticCircuits;
import dev.zkscope.plonk.VerifyResult;
import dev.zkscope.profile.PhaseListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A whole proof of the benchmark mix ({@link SyntheticCircuits#mix}: 16 advice columns, degree-3 gates, one lookup,
 * copies) with the standard preset and zero knowledge on, and its verification. Single shot: each iteration is
 * one proof.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class ProofBench {
    @Param({"12", "14", "16", "18", "20"})
    int logN;
    @Param({"standard"})
    String preset;
    SyntheticCircuits.Instance inst;
    ProvingKey pk;
    byte[] proof;

    @Setup(Level.Trial)
    public void setUp() {
        ProofParameters p = ProofParameters.byName(preset);
        inst = SyntheticCircuits.mix(logN, p.reservedRows());
        pk = ProofSystem.keygen(inst.circuit(), p);
        proof = ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE).toBytes();
    }

    @Benchmark
    public Proof prove() {
        return ProofSystem.prove(pk, inst.witness(), PhaseListener.NONE);
    }

    @Benchmark
    @Measurement(iterations = 20)
    @Warmup(iterations = 5)
    public VerifyResult verify() {
        return ProofSystem.verify(pk.verifyingKey(), inst.witness().instance(), proof);
    }
}
