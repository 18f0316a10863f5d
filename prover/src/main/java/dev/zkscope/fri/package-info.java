/** FRI low-degree test over F_p2 codewords with configurable folding arity. */
package dev.zkscope.fri;
