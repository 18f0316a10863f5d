package dev.zkscope.cli;

public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("zkscope " + dev.zkscope.onnx.proto.Onnx.ModelProto.getDescriptor().getFullName());
    }
}
