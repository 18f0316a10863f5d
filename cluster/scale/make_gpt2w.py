# GPT-2-small-width decoders with one block and a small vocabulary, for docs/scale.md's row counts (zkscope spark helper)
import sys, importlib.util, torch
out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/gpt2w"
sys.argv = ["make_zoo.py", out]
spec = importlib.util.spec_from_file_location("make_zoo", __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "..", "..", "samples", "zoo", "make_zoo.py"))
z = importlib.util.module_from_spec(spec); spec.loader.exec_module(z)
for name, vocab in (("gpt2w1v256", 256), ("gpt2w1v512", 512)):
    torch.manual_seed(13)
    z.export(name, z.GptTiny(vocab=vocab, d=768, heads=12, layers=1, tokens=64),
             torch.randint(0, vocab, (1, 64)), torch.randint(0, vocab, (4, 1, 64)), input_name="input_ids")
