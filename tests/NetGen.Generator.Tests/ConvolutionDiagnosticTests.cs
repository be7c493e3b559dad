namespace NetGen.Generator.Tests;

/// <summary>The diagnostics of convolution, pooling and dropout layers, each at the attribute or argument at fault.</summary>
public sealed class ConvolutionDiagnosticTests
{
    [Fact]
    public void NG0005_image_input_with_a_zero_size() => DiagnosticTests.Expect("NG0005", """
        [Network] [Input(1, [|0|], 28)] [Conv2D(4, 3)] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0029_kernel_larger_than_its_input() => DiagnosticTests.Expect("NG0029", """
        [Network] [Input(1, 6, 6)] [Conv2D(4, [|7|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0029_pooling_window_larger_than_the_convolution_output() => DiagnosticTests.Expect("NG0029", """
        [Network] [Input(1, 6, 6)] [Conv2D(4, 3)] [MaxPool2D([|5|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0030_zero_stride() => DiagnosticTests.Expect("NG0030", """
        [Network] [Input(1, 6, 6)] [Conv2D(4, 3, [|Stride = 0|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0030_negative_padding() => DiagnosticTests.Expect("NG0030", """
        [Network] [Input(1, 6, 6)] [Conv2D(4, 3, [|Padding = -1|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0030_negative_pooling_stride() => DiagnosticTests.Expect("NG0030", """
        [Network] [Input(1, 6, 6)] [AvgPool2D(2, [|Stride = -2|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0031_convolution_after_a_dense_layer() => DiagnosticTests.Expect("NG0031", """
        [Network] [Input(1, 6, 6)] [Dense(36)] [[|Conv2D(4, 3)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0032_convolution_of_a_vector_input() => DiagnosticTests.Expect("NG0032", """
        [Network] [Input(36)] [[|MaxPool2D(2)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0033_dropout_probability_of_one() => DiagnosticTests.Expect("NG0033", """
        [Network] [Input(4)] [Dense(3)] [Dropout([|1f|])] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0034_dropout_last() => DiagnosticTests.Expect("NG0034", """
        [Network] [Input(4)] [Dense(3)] [[|Dropout(0.5f)|]]
        public partial class Net;
        """);

    [Fact]
    public void NG0035_convolution_outputs_beyond_the_limit() => DiagnosticTests.Expect("NG0035", """
        [Network] [Input(1, 5000, 5000)] [[|Conv2D(64, 1)|]] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0035_image_input_beyond_the_limit() => DiagnosticTests.Expect("NG0035", """
        [Network] [[|Input(3, 20000, 20000)|]] [Conv2D(64, 1)] [Dense(1)]
        public partial class Net;
        """);

    [Fact]
    public void NG0006_convolution_parameters_beyond_the_limit() => DiagnosticTests.Expect("NG0006", """
        [Network] [Input(2000, 8, 8)] [[|Conv2D(2000, 8)|]] [Dense(1)]
        public partial class Net;
        """);
}
