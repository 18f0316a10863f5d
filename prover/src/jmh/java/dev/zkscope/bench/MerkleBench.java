package dev.zkscope.bench;

import dev.zkscope.merkle.MerkleTree;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * Merkle commitment of 2^logLeaves rows of 16 columns with salts (as the advice tree of the benchmark mix at
 * blowup 4), and the digest choice: one 152-byte leaf (16 elements + 16-byte salt + tag) and one 65-byte node
 * through the JDK's SHA-256 and BouncyCastle's SHA-256, Blake3 and Keccak-256.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MerkleBench {
    @Param({"16", "18"})
    int logLeaves;
    long[][] cols;
    byte[] salts;
    final byte[] leaf = new byte[153];
    final byte[] node = new byte[65];
    final byte[] out = new byte[64];

    @Setup
    public void setUp() {
        cols = new long[16][1 << logLeaves];
        for (int c = 0; c < 16; c++) {
            for (int i = 0; i < cols[c].length; i++) {
                cols[c][i] = (long) i * (c + 1);
            }
        }
        salts = new byte[(1 << logLeaves) * MerkleTree.SALT_BYTES];
    }

    @Benchmark
    public byte[] commit() {
        return MerkleTree.build(1 << logLeaves, 16, (i, buf) -> {
            for (int k = 0; k < 16; k++) {
                buf[k] = cols[k][i];
            }
        }, salts).root();
    }

    private static byte[] jdk(byte[] msg) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        return d.digest(msg);
    }

    private int bc(Digest d, byte[] msg) {
        d.update(msg, 0, msg.length);
        return d.doFinal(out, 0);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object leafJdkSha256() throws Exception {
        return jdk(leaf);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int leafBcSha256() {
        return bc(new SHA256Digest(), leaf);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int leafBcBlake3() {
        return bc(new Blake3Digest(256), leaf);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int leafBcKeccak256() {
        return bc(new KeccakDigest(256), leaf);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object nodeJdkSha256() throws Exception {
        return jdk(node);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int nodeBcBlake3() {
        return bc(new Blake3Digest(256), node);
    }
}
