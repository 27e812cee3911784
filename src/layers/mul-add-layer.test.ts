import { describe, expect, it } from 'vitest';
import { gradcheck } from '../gradient/gradcheck.js';
import { RandomState } from '../random/random-state.js';
import { ones, tensor } from '../tensor/create.js';
import { AddLayer } from './add-layer.js';
import { MulLayer } from './mul-layer.js';

describe("MulLayer and AddLayer (chapter 5's shopping example)", () => {
  it('buy_apple_orange.py with numbers', () => {
    const apple = 100;
    const appleNum = 2;
    const orange = 150;
    const orangeNum = 3;
    const tax = 1.1;
    const mulAppleLayer = new MulLayer();
    const mulOrangeLayer = new MulLayer();
    const addAppleOrangeLayer = new AddLayer();
    const mulTaxLayer = new MulLayer();
    const applePrice = mulAppleLayer.forward(apple, appleNum);
    const orangePrice = mulOrangeLayer.forward(orange, orangeNum);
    const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
    const price = mulTaxLayer.forward(allPrice, tax);
    const [dallPrice, dtax] = mulTaxLayer.backward(1);
    const [dapplePrice, dorangePrice] = addAppleOrangeLayer.backward(dallPrice);
    const [dorange, dorangeNum] = mulOrangeLayer.backward(dorangePrice);
    const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice);
    // Python prints the same: 715.0000000000001, 2.2 110.00000000000001 3.3000000000000003 165.0 650
    expect(price).toBe(715.0000000000001);
    expect([dapple, dappleNum, dorange, dorangeNum, dtax]).toEqual([
      2.2, 110.00000000000001, 3.3000000000000003, 165, 650,
    ]);
  });

  it('tensors with broadcasting: gradients are summed back to each input shape', () => {
    const rs = new RandomState(0);
    const x = rs.randn(3, 4);
    const y = rs.randn(4);
    const mul = new MulLayer();
    const g = rs.randn(3, 4);
    mul.forward(x, y);
    const [dx, dy] = mul.backward(g);
    expect(dy.shape).toEqual([4]);
    const f = () => mul.forward(x, y).mul(g).sum().item();
    expect(gradcheck(f, { x, y }, { x: dx, y: dy }).passed).toBe(true);

    const add = new AddLayer();
    add.forward(x.T, rs.randn(4, 1));
    const [da, db] = add.backward(ones([4, 3]));
    expect(da.shape).toEqual([4, 3]);
    expect(db.toArray()).toEqual([[3], [3], [3], [3]]);
  });

  it('a number with a tensor gives a 0-d gradient for the number', () => {
    const mul = new MulLayer();
    const out = mul.forward(tensor([1, 2, 3]), 2);
    expect(out.toArray()).toEqual([2, 4, 6]);
    const [dx, dy] = mul.backward(ones([3]));
    expect(dx.toArray()).toEqual([2, 2, 2]);
    expect(dy.shape).toEqual([]);
    expect(dy.item()).toBe(6);
  });

  it('clear errors', () => {
    expect(() => new MulLayer().backward(1)).toThrow('MulLayer.backward: called before forward');
    expect(() => new AddLayer().backward(1)).toThrow('AddLayer.backward: called before forward');
    const mul = new MulLayer();
    mul.forward(tensor([1, 2]), tensor([3, 4]));
    expect(() => mul.backward(1)).toThrow(
      'MulLayer.backward: dout is a number but forward had tensor inputs',
    );
    expect(() => mul.backward(ones([3]))).toThrow('MulLayer.backward: dout: expected shape (2,)');
  });
});
