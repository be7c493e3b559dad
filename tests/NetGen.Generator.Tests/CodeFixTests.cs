using System.Threading.Tasks;
using NetGen.CodeFixes;
using NetGen.Generator.Tests.Infrastructure;

namespace NetGen.Generator.Tests;

/// <summary>Each code fix, through Roslyn's testing framework: the diagnostic is reported where marked, and the fix repairs it.</summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task NG0001_adds_partial() => new CodeFixTest<AddPartialCodeFix>("""
        [Network] [Input(2)] [Dense(1)]
        public class {|NG0001:Net|} { }
        """, """
        [Network] [Input(2)] [Dense(1)]
        public partial class Net { }
        """).RunAsync();

    [Fact]
    public Task NG0001_adds_partial_to_a_class_without_modifiers() => new CodeFixTest<AddPartialCodeFix>("""
        [Network] [Input(2)] [Dense(1)]
        class {|NG0001:Net|};
        """, """
        [Network] [Input(2)] [Dense(1)]
        partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0014_makes_the_containing_types_partial() => new CodeFixTest<AddPartialCodeFix>("""
        public class Outer
        {
            [Network] [Input(2)] [Dense(1)]
            public partial class {|NG0014:Net|};
        }
        """, """
        public partial class Outer
        {
            [Network] [Input(2)] [Dense(1)]
            public partial class Net;
        }
        """).RunAsync();

    [Fact]
    public Task NG0019_removes_static() => new CodeFixTest<RemoveStaticCodeFix>("""
        [Network] [Input(2)] [Dense(1)]
        public static partial class {|NG0019:Net|};
        """, """
        [Network] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0020_declares_the_record_as_a_class() => new CodeFixTest<RecordToClassCodeFix>("""
        [Network] [Input(2)] [Dense(1)]
        public partial record {|NG0020:Net|};
        """, """
        [Network] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0009_moves_a_softmax_attribute_to_the_last_layer() => new CodeFixTest<MoveSoftmaxCodeFix>("""
        [Network] [Input(2)] [Dense(3)] [{|NG0009:Softmax|}] [Dense(2)]
        public partial class Net;
        """, """
        [Network] [Input(2)] [Dense(3)] [Dense(2)] [Softmax]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0009_moves_a_softmax_argument_to_the_last_layer() => new CodeFixTest<MoveSoftmaxCodeFix>("""
        [Network] [Input(2)] [Dense(3, {|NG0009:Activation.Softmax|})] [Dense(2)]
        public partial class Net;
        """, """
        [Network] [Input(2)] [Dense(3)] [Dense(2)] [Softmax]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0007_changes_the_loss_to_suit_the_last_activation() => new CodeFixTest<MatchLossCodeFix>("""
        [Network({|NG0007:Loss = Loss.CrossEntropy|})] [Input(2)] [Dense(3)] [Sigmoid]
        public partial class Net;
        """, """
        [Network(Loss = Loss.BinaryCrossEntropy)] [Input(2)] [Dense(3)] [Sigmoid]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0007_changes_the_last_activation_to_suit_the_loss() => new CodeFixTest<MatchLossCodeFix>("""
        [Network({|NG0007:Loss = Loss.CrossEntropy|})] [Input(2)] [Dense(3)] [Sigmoid]
        public partial class Net;
        """, """
        [Network(Loss = Loss.CrossEntropy)] [Input(2)] [Dense(3)] [Softmax]
        public partial class Net;
        """, codeActionIndex: 1).RunAsync();

    [Fact]
    public Task NG0008_adds_a_sigmoid_to_a_last_layer_without_activation() => new CodeFixTest<MatchLossCodeFix>("""
        [Network({|NG0008:Loss = Loss.BinaryCrossEntropy|})] [Input(2)] [Dense(1)]
        public partial class Net;
        """, """
        [Network(Loss = Loss.BinaryCrossEntropy)] [Input(2)] [Dense(1)] [Sigmoid]
        public partial class Net;
        """, codeActionIndex: 1).RunAsync();

    [Fact]
    public Task NG0008_changes_a_dense_activation_argument() => new CodeFixTest<MatchLossCodeFix>("""
        [Network({|NG0008:Loss = Loss.BinaryCrossEntropy|})] [Input(2)] [Dense(1, Activation.Tanh)]
        public partial class Net;
        """, """
        [Network(Loss = Loss.BinaryCrossEntropy)] [Input(2)] [Dense(1, Activation.Sigmoid)]
        public partial class Net;
        """, codeActionIndex: 1).RunAsync();

    [Fact]
    public Task NG0008_changes_the_loss_to_squared_error_after_tanh() => new CodeFixTest<MatchLossCodeFix>("""
        [Network({|NG0008:Loss = Loss.BinaryCrossEntropy|})] [Input(2)] [Dense(1, Activation.Tanh)]
        public partial class Net;
        """, """
        [Network(Loss = Loss.SquaredError)] [Input(2)] [Dense(1, Activation.Tanh)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0003_removes_a_second_input() => new CodeFixTest<RemoveDuplicateInputCodeFix>("""
        [Network] [Input(2)] [{|NG0003:Input(3)|}] [Dense(1)]
        public partial class Net;
        """, """
        [Network] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0003_offers_no_removal_for_an_input_after_a_dense() => new CodeFixTest<RemoveDuplicateInputCodeFix>("""
        [Network] [Dense(3)] [{|NG0003:Input(2)|}] [Dense(1)]
        public partial class Net;
        """, """
        [Network] [Dense(3)] [{|NG0003:Input(2)|}] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0017_resets_a_hyper_parameter_to_its_default() => new CodeFixTest<ResetToDefaultCodeFix>("""
        [Network(Optimizer = Optimizer.Momentum, {|NG0017:Momentum = 1.5f|})] [Input(2)] [Dense(1)]
        public partial class Net;
        """, """
        [Network(Optimizer = Optimizer.Momentum, Momentum = 0.9f)] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0017_resets_epsilon() => new CodeFixTest<ResetToDefaultCodeFix>("""
        [Network(Optimizer = Optimizer.Adam, {|NG0017:Epsilon = 0f|})] [Input(2)] [Dense(1)]
        public partial class Net;
        """, """
        [Network(Optimizer = Optimizer.Adam, Epsilon = 1e-8f)] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0016_resets_a_leaky_relu_slope() => new CodeFixTest<ResetToDefaultCodeFix>("""
        [Network] [Input(2)] [Dense(3)] [LeakyReLU({|NG0016:-0.5f|})] [Dense(1)]
        public partial class Net;
        """, """
        [Network] [Input(2)] [Dense(3)] [LeakyReLU(0.01f)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0021_adds_the_network_attribute() => new CodeFixTest<AddNetworkAttributeCodeFix>("""
        [{|NG0021:Input(2)|}] [Dense(1)]
        public partial class Net;
        """, """
        [Network] [Input(2)] [Dense(1)]
        public partial class Net;
        """).RunAsync();

    [Fact]
    public Task NG0021_adds_the_network_attribute_on_its_own_line() => new CodeFixTest<AddNetworkAttributeCodeFix>("""
        namespace App
        {
            [{|NG0021:Input(2)|}]
            [Dense(1)]
            public partial class Net;
        }
        """, """
        namespace App
        {
            [Network] [Input(2)]
            [Dense(1)]
            public partial class Net;
        }
        """).RunAsync();
}
